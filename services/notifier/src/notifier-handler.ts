import type { AnyDomainEvent, NotificationFailed } from "@reimagine/contracts";
import { causedBy, type EventStore, newEvent, type StoredEvent } from "@reimagine/core/eventstore";
import type { EventHandler, HandlerContext } from "@reimagine/core/runtime";
import { appendWhileDue, type DueStage, readDueStage, stageFailure } from "@reimagine/core/stages";
import { currentTraceparent } from "@reimagine/core/telemetry";
import { ClaimHeldError, claimKey } from "./claims";
import type { Delivery, ExactlyOnceMailer } from "./exactly-once-mailer";
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
 * The notifier reactor: on ImageGenerated (or an operator's RetryRequested for the notification)
 * it re-reads the request, and if the notification is due for the trigger's run it sends the email
 * exactly once and appends UserNotified; a permanent failure or running out of attempts appends
 * NotificationFailed. Claims are keyed by request and run, so an operator's retry sends again.
 */
export function createNotifierHandler(deps: NotifierHandlerDeps): EventHandler {
  const { store, mailer } = deps;

  /** Appends `event` while the notification of `due.run` is still due; false when the request moved on. */
  const record = (trigger: StoredEvent, due: DueStage, event: AnyDomainEvent) =>
    // the same event (same id) on the re-decide, so a publish that did land is found, not repeated
    appendWhileDue(store, trigger.event.requestId, "notification", due.history, (state) =>
      state.retries.notification === due.run ? [event] : null,
    );

  /** Appends UserNotified for a delivery, unless the request moved on. */
  async function recordNotified(
    trigger: StoredEvent,
    due: DueStage,
    key: string,
    delivery: Delivery,
    ctx: HandlerContext,
  ) {
    const { messageId, recipientDomain, sentNow } = delivery;
    const event = newEvent(
      "UserNotified",
      trigger.event.requestId,
      { messageId, recipientDomain },
      causedBy(trigger.event, currentTraceparent()),
    );
    const appended = await record(trigger, due, event);
    mailer.recorded(key);
    if (appended) ctx.logger.info({ messageId, recipientDomain, run: due.run, sentNow }, "user notified");
    else ctx.logger.info({ messageId, run: due.run }, "request moved on meanwhile: nothing appended");
  }

  return {
    name: NOTIFIER_NAME,
    handles: ["ImageGenerated", "RetryRequested"],

    async handle(trigger, ctx) {
      const { event } = trigger;
      if (event.type === "RetryRequested" && event.data.stage !== "notification") return;
      const due = await readDueStage(store, trigger, "notification");
      if (!due) {
        ctx.logger.debug("notification not due for this event: nothing to do");
        return;
      }
      const { mail, recipientDomain } = notificationMail(due.state, deps.mail);
      const key = claimKey(event.requestId, due.run);
      ctx.signal.throwIfAborted();
      const delivery = await mailer.deliver(key, mail, recipientDomain, ctx.logger);
      await recordNotified(trigger, due, key, delivery, ctx);
    },

    async onExhausted(trigger, error, ctx) {
      const due = await readDueStage(store, trigger, "notification");
      if (!due) {
        ctx.logger.info("notification no longer due for this event: no failure to record");
        return;
      }
      const key = claimKey(trigger.event.requestId, due.run);
      const claim = await mailer.status(key);
      if (claim.kind === "sent") {
        // the email did go out (only its record kept failing): that is the fact to record
        await recordNotified(trigger, due, key, claim.delivery, ctx);
        return;
      }
      if (claim.kind === "held") {
        // a live sender will record the outcome; if it does not, the dead letter makes that visible
        throw new ClaimHeldError(key, claim.owner, claim.retryAfterMs);
      }
      const failure = notificationFailure(error, ctx.attempt);
      const event = newEvent(
        "NotificationFailed",
        trigger.event.requestId,
        failure,
        causedBy(trigger.event, currentTraceparent()),
      );
      if (await record(trigger, due, event))
        ctx.logger.warn({ ...failure, run: due.run }, "notification failed");
    },
  };
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
