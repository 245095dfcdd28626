import { foldRequest, type RequestState } from "../domain/request-state";
import type { RequestHistory } from "../eventstore/types";

/** Folds a request's history into its state. */
export function stateOf(requestId: string, history: RequestHistory): RequestState {
  return foldRequest(
    requestId,
    history.events.map((s) => s.event),
  );
}
