import { foldRequest, type RequestState } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import type { RequestStateReader } from "@reimagine/readmodel";

export interface ReadRequestStateDeps {
  reader: RequestStateReader;
  store: EventStore;
  logger: Logger;
}

/** Where an answer came from, for logs and the X-Reimagine-Source header. */
export type StateSource = "read-model" | "event-log";

/**
 * The state of a request for the query side: the read model's, or, when it has not projected the
 * request yet (projector lag) or cannot be reached, the fold of the request's own events. That
 * fallback is what makes a GET right after the 202 never answer 404. Null when the request does not
 * exist; throws only when the event log cannot be read either. `enough` says whether the read
 * model's answer will do; when it does not (the image it lacks may be in the log already, and the
 * live event stream may have announced it), the log answers.
 */
export async function readRequestState(
  deps: ReadRequestStateDeps,
  requestId: string,
  enough: (state: RequestState) => boolean = () => true,
): Promise<{ state: RequestState; source: StateSource } | null> {
  try {
    const projected = await deps.reader.get(requestId);
    if (projected?.submitted && enough(projected)) return { state: projected, source: "read-model" };
  } catch (err) {
    deps.logger.warn({ err, requestId }, "read model unavailable; answering from the event log");
  }
  const history = await deps.store.readRequest(requestId);
  const state = foldRequest(
    requestId,
    history.events.map((s) => s.event),
  );
  return state.submitted ? { state, source: "event-log" } : null;
}
