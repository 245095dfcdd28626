/**
 * The request's data key is gone: its personal data was erased (`reimagine forget`) and can never be
 * read again. Not worth retrying; `reason` is safe to record in an event.
 */
export class PersonalDataErasedError extends Error {
  override readonly name = "PersonalDataErasedError";
  readonly code = "PERSONAL_DATA_ERASED";
  readonly retryable = false;
  readonly reason = "the person's data was erased";
  /** What the public status says of a step that failed for it (contracts' FailureCategory). */
  readonly category = "input-missing";

  constructor(readonly requestId: string) {
    super(`the personal data of request ${requestId} was erased`);
  }
}
