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
  override readonly name = "EventStoreUnavailableError";
  readonly code = "EVENT_STORE_UNAVAILABLE";
}
