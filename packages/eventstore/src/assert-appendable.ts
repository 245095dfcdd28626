import { type AnyDomainEvent, InvalidEventError, parseEvent } from "@reimagine/contracts";
import { assertRequestId } from "./request-id";

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
