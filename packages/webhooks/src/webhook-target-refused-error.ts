/** A webhook URL that must not be called: not http(s), unresolvable, or resolving to a private address. */
export class WebhookTargetRefusedError extends Error {
  override readonly name = "WebhookTargetRefusedError";
  readonly code = "WEBHOOK_TARGET_REFUSED";
  /** Read by the handler runtime: calling again cannot make the address public. */
  readonly retryable = false;
}
