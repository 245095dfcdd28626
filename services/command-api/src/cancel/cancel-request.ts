import {
  type CancelRequested,
  evolveRequest,
  foldRequest,
  isFinished,
  newEvent,
  type RequestState,
} from "@reimagine/contracts";
import { ConcurrencyError, type EventStore } from "@reimagine/eventstore";
import { UnknownRequestError } from "@reimagine/operations";
import { currentTraceparent } from "@reimagine/platform";
import { v7 as uuidv7 } from "uuid";
import { cancelTokenMatches } from "./cancel-token";

/** Why a cancel was refused: not the right token, or the request has already come to an end. */
export class CancelRefusedError extends Error {
  override readonly name = "CancelRefusedError";
  constructor(
    readonly code: "WRONG_TOKEN" | "FINISHED",
    message: string,
  ) {
    super(message);
  }
}

/** Lost races with the pipeline before giving up; it appends at most four events in all. */
const MAX_ROUNDS = 5;

/**
 * Decides a cancel on a request's state: the token must hash to the one its ImageSubmitted
 * stored (checked first, so a stranger learns nothing about the request), and the request must
 * still be in progress.
 */
function decideCancel(
  state: RequestState,
  storedTokenHash: string | undefined,
  token: string,
): CancelRequested {
  if (!storedTokenHash || !cancelTokenMatches(token, storedTokenHash)) {
    throw new CancelRefusedError("WRONG_TOKEN", "the cancel token does not match this request");
  }
  if (isFinished(state.status)) {
    throw new CancelRefusedError("FINISHED", `request ${state.requestId} is already ${state.status}`);
  }
  return { previousStatus: state.status as CancelRequested["previousStatus"] };
}

/**
 * POST /api/v1/request/:id/cancel as a command:
 * 1. read the request's events and fold them;
 * 2. decide (token, still in progress);
 * 3. append CancelRequested with the version read, so it lands before or after a stage's result,
 *    never in between; after a lost race, read and decide again.
 * Every stage re-reads the request before it records anything and finds nothing due, so nothing
 * runs after this and no email goes out. Returns the request as it is now.
 */
export async function cancelRequest(
  store: EventStore,
  requestId: string,
  token: string,
): Promise<RequestState> {
  const commandId = uuidv7();
  for (let round = 1; ; round++) {
    const history = await store.readRequest(requestId);
    const events = history.events.map((s) => s.event);
    const state = foldRequest(requestId, events);
    if (!state.submitted) throw new UnknownRequestError(requestId);
    const submitted = events.find((e) => e.type === "ImageSubmitted");
    const data = decideCancel(state, submitted?.data.cancelTokenHash, token);
    const traceparent = currentTraceparent();
    const event = newEvent("CancelRequested", requestId, data, {
      correlationId: requestId,
      causationId: commandId,
      ...(traceparent ? { traceparent } : {}),
    });
    try {
      await store.append(requestId, [event], history.version);
      return evolveRequest(state, event);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || round >= MAX_ROUNDS) throw err;
    }
  }
}
