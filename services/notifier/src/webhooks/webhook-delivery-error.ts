/** A webhook attempt that did not get a 2xx: retried with backoff, honouring the receiver's Retry-After. */
export class WebhookDeliveryError extends Error {
  override readonly name = "WebhookDeliveryError";
  readonly code = "WEBHOOK_DELIVERY_FAILED";

  constructor(
    /** Short and safe to record in WebhookFailed: the status or the kind of network failure. */
    readonly reason: string,
    /** The receiver's status, null when there was no answer. */
    readonly httpStatus: number | null,
    options: { cause?: unknown; retryAfterMs?: number | null } = {},
  ) {
    super(reason, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs ?? null;
  }

  /** Read by the handler runtime as a floor for the next delay. */
  readonly retryAfterMs: number | null;
}

/** Webhooks cannot be signed: WEBHOOK_SECRET is not set on this notifier. No retry will help. */
export class WebhooksNotConfiguredError extends Error {
  override readonly name = "WebhooksNotConfiguredError";
  readonly code = "WEBHOOKS_NOT_CONFIGURED";
  readonly retryable = false;
  readonly reason = "webhooks are not configured on the notifier (WEBHOOK_SECRET is not set)";
}

/**
 * ImageSubmitted says the request has a webhook, but the personal data sealed with it holds no URL:
 * the event was not written by this system's API. No retry will help.
 */
export class WebhookUrlMissingError extends Error {
  override readonly name = "WebhookUrlMissingError";
  readonly code = "WEBHOOK_URL_MISSING";
  readonly retryable = false;
  readonly reason = "the request's sealed personal data holds no webhook URL";
}
