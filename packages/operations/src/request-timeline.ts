import type { EventStore } from "@reimagine/eventstore";
import { describeEvent, type EventLine } from "./describe-event";
import { UnknownRequestError } from "./unknown-request-error";

/** The whole ordered history of one request, as operator-readable lines. */
export async function requestTimeline(store: EventStore, requestId: string): Promise<EventLine[]> {
  const history = await store.readRequest(requestId);
  if (history.events.length === 0) throw new UnknownRequestError(requestId);
  return history.events.map((s) => describeEvent(s.event, s.position));
}
