import { type AnyDomainEvent, InvalidEventError, parseEvent, RequestId } from "@reimagine/contracts";

/**
 * Every event is validated by its schema on write as well as on read: an event that could not be
 * read back (bad metadata, bad data, another request's id) never reaches the log.
 */
export function assertAppendable(requestId: string, events: AnyDomainEvent[]): void {
  assertRequestId(requestId);
  for (const e of events) {
    parseEvent(e);
    if (e.requestId !== requestId) {
      throw new InvalidEventError(`event ${e.id} belongs to request ${e.requestId}, not ${requestId}`);
    }
  }
}

/** Raised for a request id that is not a UUID (it becomes a NATS subject token, so this matters). */
export class InvalidRequestIdError extends Error {
  override readonly name = "InvalidRequestIdError";
  readonly code = "INVALID_REQUEST_ID";
}

/** Throws unless the id is a UUID; guards every subject built from a request id. */
export function assertRequestId(requestId: string): void {
  if (!RequestId.safeParse(requestId).success) {
    throw new InvalidRequestIdError(`not a request id: ${JSON.stringify(requestId).slice(0, 80)}`);
  }
}
