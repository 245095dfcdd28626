import { JetStreamApiError } from "@nats-io/jetstream";

/** JetStream's error code for a failed Nats-Expected-Last-Subject-Sequence check. */
export const WRONG_LAST_SUBJECT_SEQUENCE = 10071;
/** JetStream's error code for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;

/** True for JetStream's answer that the stream (a KV bucket's too) does not exist. */
export function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND;
}

/** Another writer appended to the request first; re-read its history and decide again. */
export class ConcurrencyError extends Error {
  override readonly name = "ConcurrencyError";
  readonly code = "WRONG_EXPECTED_VERSION";
  constructor(
    readonly requestId: string,
    readonly expected: number | "no_stream" | "any",
    readonly actual: number | null,
    options?: { cause?: unknown },
  ) {
    super(`request ${requestId}: expected version ${expected}, found ${actual ?? "unknown"}`, options);
  }
}

/** The event store could not be reached or refused the operation for a reason other than a conflict. */
export class EventStoreUnavailableError extends Error {
  override readonly name: string = "EventStoreUnavailableError";
  readonly code = "EVENT_STORE_UNAVAILABLE";
}

/** An event of an ordered append did not land where it had to; what came before it is in the log. */
export class OrderedAppendError extends Error {
  override readonly name = "OrderedAppendError";
  readonly code = "ORDERED_APPEND_FAILED";
}

/** The stream to read does not exist; read-only work never creates it. */
export class UnknownStreamError extends Error {
  override readonly name = "UnknownStreamError";
  readonly code = "UNKNOWN_STREAM";
  /** A setting, not an outage: waiting will not make the stream appear. */
  readonly retryable = false;
  constructor(
    readonly stream: string,
    /** Streams the server does have (the first few), to spot a typo. */
    readonly known: string[],
    message = `no stream ${stream}${known.length > 0 ? ` (the server has: ${known.join(", ")})` : " (the server has none)"}`,
  ) {
    super(message);
  }
}

/** A stream could not be created because another stream already takes (some of) its subjects. */
export class SubjectsOverlapError extends Error {
  override readonly name = "SubjectsOverlapError";
  readonly code = "SUBJECTS_OVERLAP";
  /** A setting, not an outage: waiting will not free the subjects. */
  readonly retryable = false;
  constructor(
    readonly stream: string,
    readonly subjects: string[],
    /** The streams that already hold those subjects. */
    readonly others: string[],
    message = `stream ${stream} cannot take subjects ${subjects.join(", ")}: ${others.length > 0 ? `stream ${others.join(", ")} already has them` : "another stream already has them"}`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
