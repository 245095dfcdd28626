/** A webhook URL that must not be called: not http(s), unresolvable, or resolving to a private address. */
export class WebhookTargetRefusedError extends Error {
  override readonly name = "WebhookTargetRefusedError";
  readonly code = "WEBHOOK_TARGET_REFUSED";
  /** Read by the handler runtime: calling again cannot make the address public. */
  readonly retryable = false;
  /**
   * Why, without the host or address: what a delivery records and logs, since the target is the
   * submitter's personal data. The message may name the host, for the submitter's own 400.
   */
  readonly reason: string;

  constructor(message: string, options: { cause?: unknown; reason?: string } = {}) {
    super(message, { cause: options.cause });
    this.reason = options.reason ?? message;
  }
}
