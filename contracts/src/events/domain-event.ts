import { type EventMetadata, RawEnvelope } from "../envelope";
import {
  type EventData,
  type EventDefinition,
  type EventType,
  eventDefinitions,
  isEventType,
} from "./registry";

/** An event as the rest of the code sees it: validated, at the latest schema version. */
export interface DomainEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  schemaVersion: number;
  requestId: string;
  occurredAt: string;
  data: EventData<T>;
  metadata: EventMetadata;
}

/** Any one event type, narrowed by `type` (a discriminated union). */
export type AnyDomainEvent = { [T in EventType]: DomainEvent<T> }[EventType];

/** Raised when stored or incoming bytes are not a valid event; carries what zod said. */
export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
  readonly code = "INVALID_EVENT";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function describe(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ");
}

/**
 * Validates an event read from the log and upcasts older schema versions to the current one.
 * Unknown types and versions newer than this code knows are rejected, never guessed at.
 */
export function parseEvent(input: unknown): AnyDomainEvent {
  const envelope = RawEnvelope.safeParse(input);
  if (!envelope.success) throw new InvalidEventError(`bad envelope: ${describe(envelope.error)}`);
  const raw = envelope.data;
  if (!isEventType(raw.type)) throw new InvalidEventError(`unknown event type ${raw.type}`);
  const def: EventDefinition = eventDefinitions[raw.type];
  if (raw.schemaVersion > def.version) {
    throw new InvalidEventError(
      `${raw.type} v${raw.schemaVersion} is newer than this reader (v${def.version})`,
    );
  }
  let data: unknown = raw.data;
  for (let version = raw.schemaVersion; version < def.version; version++) {
    const step = def.legacy?.[version];
    if (!step) throw new InvalidEventError(`${raw.type} v${version} has no upcaster`);
    const old = step.schema.safeParse(data);
    if (!old.success)
      throw new InvalidEventError(`${raw.type} v${version} data invalid: ${describe(old.error)}`);
    data = step.upcast(old.data as never);
  }
  const current = def.schema.safeParse(data);
  if (!current.success) {
    throw new InvalidEventError(`${raw.type} v${raw.schemaVersion} data invalid: ${describe(current.error)}`);
  }
  return { ...raw, schemaVersion: def.version, data: current.data } as AnyDomainEvent;
}

/** Validates the data of an event about to be written against the current schema. */
export function validateEventData<T extends EventType>(type: T, data: unknown): EventData<T> {
  const result = eventDefinitions[type].schema.safeParse(data);
  if (!result.success) throw new InvalidEventError(`${type} data invalid: ${describe(result.error)}`);
  return result.data as EventData<T>;
}
