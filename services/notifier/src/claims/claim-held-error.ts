/** Another sender holds the email's claim and is alive: try again once its lease would have run out. */
export class ClaimHeldError extends Error {
  override readonly name = "ClaimHeldError";
  readonly code = "NOTIFICATION_CLAIM_HELD";
  /** Read by the handler runtime: the delay before the next attempt is at least this. */
  readonly retryAfterMs: number;

  constructor(
    readonly key: string,
    readonly owner: string,
    retryAfterMs: number,
  ) {
    super(`notification ${key} is being sent by ${owner}; trying again in ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}
