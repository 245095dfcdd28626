import { FailureCategory, type NotificationFailed } from "@reimagine/contracts";
import type { DueStage, HandlerContext } from "@reimagine/reactor";
import { stageFailure } from "@reimagine/reactor";
import { PersonalDataErasedError, personalDataOf, type Vault } from "@reimagine/vault";
import { ClaimHeldError } from "./claims";
import type { ExactlyOnceMailer } from "./exactly-once-mailer";
import { classifySmtpError, InvalidMailInputError, InvalidRecipientError, MailSendError } from "./mail";
import type { AddressedMail } from "./notification-mail";

/** What the log records of an email that went out: its Message-ID and the recipient's domain only. */
export interface SentMail {
  messageId: string;
  recipientDomain: string;
}

/**
 * The recipient's address, opened at use from the request's sealed personal data (or, for a
 * version-1 request, as its ImageSubmitted wrote it). Once erased there is nobody to write to:
 * PersonalDataErasedError, which is not retried and records that reason.
 */
export async function recipientOf(vault: Vault, due: DueStage): Promise<string> {
  const personal = await personalDataOf(
    vault,
    due.history.events.map((s) => s.event),
  );
  if (!personal) throw new PersonalDataErasedError(due.state.requestId);
  return personal.email;
}

/**
 * Sends `addressed` under claim `key` unless it went out before (the ExactlyOnceMailer's claim
 * protocol), and returns what to record. The work of every step that sends an email.
 */
export async function sendEmailOnce(
  mailer: ExactlyOnceMailer,
  key: string,
  { mail, recipientDomain }: AddressedMail,
  ctx: HandlerContext,
): Promise<SentMail> {
  ctx.signal.throwIfAborted();
  const { messageId, sentNow } = await mailer.sendOnce(key, mail, recipientDomain, ctx.logger);
  ctx.logger.debug({ messageId, sentNow, key }, "email sent or found sent");
  return { messageId, recipientDomain };
}

/**
 * What a step that sends an email records when it gives up: the email if it did go out after all
 * (only its record kept failing), else the failure with the SMTP reason and code. While a live
 * sender holds the claim it throws ClaimHeldError: that sender records the outcome, and if it
 * does not, the dead letter makes that visible.
 */
export async function mailGiveUp(
  mailer: ExactlyOnceMailer,
  key: string,
  error: unknown,
  attempts: number,
): Promise<{ sent: SentMail } | { failed: NotificationFailed }> {
  const claim = await mailer.status(key);
  if (claim.kind === "sent") {
    const { messageId, recipientDomain } = claim.email;
    return { sent: { messageId, recipientDomain } };
  }
  if (claim.kind === "held") throw new ClaimHeldError(key, claim.owner, claim.retryAfterMs);
  return { failed: notificationFailure(error, attempts) };
}

/** The data of NotificationFailed for the error that ended the stage: the SMTP reason and code, if any. */
export function notificationFailure(error: unknown, attempts: number): NotificationFailed {
  const { reason, attempts: counted } = stageFailure(error, attempts, "mail");
  if (
    error instanceof MailSendError ||
    error instanceof InvalidRecipientError ||
    error instanceof InvalidMailInputError
  ) {
    // already short, one line and with addresses masked
    const classified = classifySmtpError(error);
    // Refused for good (a 5yz, or an address no server would take) versus a server that kept deferring.
    const category = classified.transient ? "mail-unavailable" : "email-undeliverable";
    return { reason: classified.reason, attempts: counted, smtpCode: classified.smtpCode, category };
  }
  // an error that knows what it means for the person (their data was erased) says so
  const named = FailureCategory.safeParse((error as { category?: unknown } | null)?.category);
  return { reason, attempts: counted, smtpCode: null, category: named.success ? named.data : "internal" };
}
