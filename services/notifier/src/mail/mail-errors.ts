import type { SmtpErrorClassification } from "./smtp-errors";

/** The recipient is not exactly one plain address; never retried, the input must change. */
export class InvalidRecipientError extends Error {
  override readonly name = "InvalidRecipientError";
  readonly code = "MAIL_RECIPIENT_INVALID";
  /** Read by the handler runtime: another attempt cannot help. */
  readonly retryable = false;
}

/** A value that cannot go into a message safely (a request id, a URL); a programming error. */
export class InvalidMailInputError extends Error {
  override readonly name = "InvalidMailInputError";
  readonly code = "MAIL_INPUT_INVALID";
  readonly retryable = false;
}

/**
 * A send that failed, already classified so the caller can choose between retrying later and
 * appending NotificationFailed. `reason` is short and safe to store in an event.
 */
export class MailSendError extends Error {
  override readonly name = "MailSendError";
  readonly code = "MAIL_SEND_FAILED";
  readonly transient: boolean;
  /** Read by the handler runtime: false sends a permanent failure straight to NotificationFailed. */
  readonly retryable: boolean;
  readonly smtpCode: number | null;
  readonly reason: string;

  constructor(classification: SmtpErrorClassification, options?: { cause?: unknown }) {
    super(classification.reason, options);
    this.transient = classification.transient;
    this.retryable = classification.transient;
    this.smtpCode = classification.smtpCode;
    this.reason = classification.reason;
  }
}
