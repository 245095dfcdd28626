/** The key bucket (NATS KV) could not be read or written; the cause says why. Worth retrying later. */
export class KeyStoreUnavailableError extends Error {
  override readonly name = "KeyStoreUnavailableError";
  readonly code = "KEY_STORE_UNAVAILABLE";
  readonly retryable = true;
}
