import {
  dueRunStage,
  foldRequest,
  type RequestState,
  runOf,
  STAGES,
  type Stage,
  type Step,
} from "@reimagine/contracts";
import type { EventStore, RequestHistory, StoredEvent } from "@reimagine/eventstore";

/** A request on which a step is due, as read just now. */
export interface DueStage {
  history: RequestHistory;
  state: RequestState;
  /** The stage whose runs count this step's deliveries: the stage itself, or the one that failed (see dueRunStage). */
  runStage: Stage;
  /** The run of `runStage` the trigger belongs to (see runOf); equal to `state.retries[runStage]`. */
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
 * Re-reads the request of `trigger` and returns it when `step` is due for the run the trigger
 * belongs to; null otherwise (done already, failed, moved on, or a newer retry owns the step).
 * A second delivery, a replay or a stale retry therefore does nothing.
 */
export async function readDueStage(
  store: EventStore,
  trigger: StoredEvent,
  step: Step,
): Promise<DueStage | null> {
  const { requestId } = trigger.event;
  // The trigger is in this history: a read that ends before it came from a replica still behind.
  const history = await store.readRequest(requestId, { atLeast: trigger.position });
  const state = stateOf(requestId, history);
  const runStage = dueRunStage(state, step);
  if (runStage === null) return null;
  // the failure notice acts on the failure of the stage that failed, never on an older one of another stage
  if (step === "failureNotice" && trigger.event.type !== STAGES[runStage].fails) return null;
  const run = runOf(history, runStage, trigger.position);
  return run === state.retries[runStage] ? { history, state, runStage, run } : null;
}
