/** The Idempotency-Key was used before with a different body: the client reused a key by mistake. */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = "IdempotencyKeyReusedError";
  readonly code = "IDEMPOTENCY_KEY_REUSED";
}

/** The store of Idempotency-Keys could not be reached or holds something unreadable. */
export class IdempotencyStoreUnavailableError extends Error {
  override readonly name = "IdempotencyStoreUnavailableError";
  readonly code = "IDEMPOTENCY_STORE_UNAVAILABLE";
}

/** Another attempt with the same key is in progress and did not finish within the wait. */
export class IdempotencyKeyBusyError extends Error {
  override readonly name = "IdempotencyKeyBusyError";
  readonly code = "IDEMPOTENCY_KEY_BUSY";
}
