import { dueStage, foldRequest, type RequestState, runOf, type Stage } from "@reimagine/contracts";
import type { EventStore, RequestHistory, StoredEvent } from "@reimagine/eventstore";

/** A request on which a stage is due, as read just now. */
export interface DueStage {
  history: RequestHistory;
  state: RequestState;
  /** The run of the stage the trigger belongs to (see runOf); equal to `state.retries[stage]`. */
  run: number;
}

/** Folds a request's history into its state. */
export function stateOf(requestId: string, history: RequestHistory): RequestState {
  return foldRequest(
    requestId,
    history.events.map((s) => s.event),
  );
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
