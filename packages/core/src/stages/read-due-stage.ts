import type { Stage } from "@reimagine/contracts";
import { dueStage, type RequestState } from "../domain/request-state";
import type { EventStore, RequestHistory, StoredEvent } from "../eventstore/types";
import { runOf } from "./run-of";
import { stateOf } from "./state-of";

/** A request on which a stage is due, as read just now. */
export interface DueStage {
  history: RequestHistory;
  state: RequestState;
  /** The run of the stage the trigger belongs to (see runOf); equal to `state.retries[stage]`. */
  run: number;
}

/**
 * Re-reads the request of `trigger` and returns it when `stage` is due for the run the trigger
 * belongs to; null otherwise (done already, failed, moved on, or a newer retry owns the stage).
 * A second delivery, a replay or a stale retry therefore does nothing.
 */
export async function readDueStage(
  store: EventStore,
  trigger: StoredEvent,
  stage: Stage,
): Promise<DueStage | null> {
  const { requestId } = trigger.event;
  const history = await store.readRequest(requestId);
  const state = stateOf(requestId, history);
  if (dueStage(state) !== stage) return null;
  const run = runOf(history, stage, trigger.position);
  return run === state.retries[stage] ? { history, state, run } : null;
}
