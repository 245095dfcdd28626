import type { NotificationFailed } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import { createStageHandler, type EventHandler, stageFailure } from "@reimagine/reactor";
import { ClaimHeldError, claimKey } from "./claims";
import type { ExactlyOnceMailer } from "./exactly-once-mailer";
import { classifySmtpError, InvalidMailInputError, InvalidRecipientError, MailSendError } from "./mail";
import { type NotificationMailOptions, notificationMail } from "./notification-mail";

export interface NotifierHandlerDeps {
  store: EventStore;
  mailer: ExactlyOnceMailer;
  mail: NotificationMailOptions;
}

/** The durable consumer shared by every notifier instance. */
export const NOTIFIER_NAME = "notifier";

/**
 * The notification stage: on ImageGenerated (or an operator's RetryRequested for the notification),
 * while the notification is due for the trigger's run, sends the email exactly once and appends
 * UserNotified; a permanent failure or running out of attempts appends NotificationFailed. Claims
 * are keyed by request and run, so an operator's retry sends again.
 */
export function createNotifierHandler(deps: NotifierHandlerDeps): EventHandler {
  const { mailer } = deps;
  return createStageHandler({
    name: NOTIFIER_NAME,
    stage: "notification",
    store: deps.store,

    async perform(due, ctx) {
      const { mail, recipientDomain } = notificationMail(due.state, deps.mail);
      ctx.signal.throwIfAborted();
      const key = claimKey(due.state.requestId, due.run);
      const { messageId, sentNow } = await mailer.sendOnce(key, mail, recipientDomain, ctx.logger);
      ctx.logger.debug({ messageId, sentNow }, "email sent or found sent");
      return { messageId, recipientDomain };
    },

    async giveUp(error, due, ctx) {
      const key = claimKey(due.state.requestId, due.run);
      const claim = await mailer.status(key);
      if (claim.kind === "sent") {
        // the email did go out (only its record kept failing): that is the fact to record
        const { messageId, recipientDomain } = claim.email;
        return { produced: { messageId, recipientDomain } };
      }
      if (claim.kind === "held") {
        // a live sender will record the outcome; if it does not, the dead letter makes that visible
        throw new ClaimHeldError(key, claim.owner, claim.retryAfterMs);
      }
      return { failed: notificationFailure(error, ctx.attempt) };
    },

    // recorded (or no longer wanted): the in-memory note of the sent email can go
    afterRecord: (_data, due) => mailer.recorded(claimKey(due.state.requestId, due.run)),
    describe: ({ messageId, recipientDomain }) => ({ messageId, recipientDomain }),
  });
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
    return { reason: classified.reason, attempts: counted, smtpCode: classified.smtpCode };
  }
  return { reason, attempts: counted, smtpCode: null };
}
