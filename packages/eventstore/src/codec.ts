import { type MsgHdrs, headers as natsHeaders } from "@nats-io/transport-node";
import { type AnyDomainEvent, parseEvent } from "@reimagine/contracts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const EVENT_TYPE_HEADER = "Reimagine-Event-Type";
export const REQUEST_ID_HEADER = "Reimagine-Request-Id";
export const TRACEPARENT_HEADER = "traceparent";

/** Serialises an event as JSON; the type, request id and trace context also go in headers. */
export function encodeEvent(event: AnyDomainEvent): { payload: Uint8Array; headers: MsgHdrs } {
  const h = natsHeaders();
  h.set(EVENT_TYPE_HEADER, event.type);
  h.set(REQUEST_ID_HEADER, event.requestId);
  if (event.metadata.traceparent) h.set(TRACEPARENT_HEADER, event.metadata.traceparent);
  return { payload: encoder.encode(JSON.stringify(event)), headers: h };
}

/** Parses and validates (and upcasts) an event read from the log. */
export function decodeEvent(payload: Uint8Array): AnyDomainEvent {
  return parseEvent(JSON.parse(decoder.decode(payload)));
}
