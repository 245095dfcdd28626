/**
 * What a stage works on is missing or unusable (the original is gone from the blob store, a
 * request has no caption): no retry can bring it back, so the stage fails at once.
 */
export class StageInputError extends Error {
  override readonly name = "StageInputError";
  readonly code = "STAGE_INPUT_MISSING";
  /** Read by the handler runtime: skip the retries, record the failure. */
  readonly retryable = false;
}
