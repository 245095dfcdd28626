import { v7 as uuidv7 } from "uuid";
import type { EventMetadata } from "../envelope";
import { type AnyDomainEvent, type DomainEvent, validateEventData } from "./domain-event";
import { type EventData, type EventType, eventDefinitions } from "./registry";

/** Builds a validated event at the current schema version with a fresh UUIDv7 id. */
export function newEvent<T extends EventType>(
  type: T,
  requestId: string,
  data: EventData<T>,
  metadata: EventMetadata,
  occurredAt: Date = new Date(),
): DomainEvent<T> {
  return {
    id: uuidv7(),
    type,
    schemaVersion: eventDefinitions[type].version,
    requestId,
    occurredAt: occurredAt.toISOString(),
    data: validateEventData(type, data),
    metadata,
  };
}

/** Metadata for an event caused by another: same correlation, causation = the cause's id. */
export function causedBy(cause: AnyDomainEvent, traceparent?: string): EventMetadata {
  const tp = traceparent ?? cause.metadata.traceparent;
  return {
    correlationId: cause.metadata.correlationId,
    causationId: cause.id,
    ...(tp ? { traceparent: tp } : {}),
  };
}
