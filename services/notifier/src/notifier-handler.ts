import type { EventStore } from "@reimagine/eventstore";
import { createStageHandler, type EventHandler } from "@reimagine/reactor";
import type { Vault } from "@reimagine/vault";
import { claimKey } from "./claims";
import type { ExactlyOnceMailer } from "./exactly-once-mailer";
import { mailGiveUp, recipientOf, sendEmailOnce } from "./mail-step";
import { type NotificationMailOptions, notificationMail } from "./notification-mail";

export interface NotifierHandlerDeps {
  store: EventStore;
  /** Opens the recipient's address, sealed in ImageSubmitted. */
  vault: Vault;
  mailer: ExactlyOnceMailer;
  mail: NotificationMailOptions;
}

/** The durable consumer shared by every notifier instance. */
export const NOTIFIER_NAME = "notifier";

/**
 * The notification stage: on ImageGenerated (or an operator's RetryRequested for the notification),
 * while the notification is due for the trigger's run, sends the email exactly once and appends
 * UserNotified; a permanent failure or running out of attempts appends NotificationFailed. Claims
 * are keyed by request and run, so an operator's retry sends again. Once the request is erased
 * (ErasureCompleted) the stage is no longer due and nothing is sent; when only its key is gone (an
 * erasure under way) the address cannot be opened and NotificationFailed says the data was erased.
 */
export function createNotifierHandler(deps: NotifierHandlerDeps): EventHandler {
  const { mailer } = deps;
  const keyOf = (due: { state: { requestId: string }; run: number }) =>
    claimKey(due.state.requestId, due.run);
  return createStageHandler({
    name: NOTIFIER_NAME,
    stage: "notification",
    store: deps.store,
    perform: async (due, ctx) =>
      sendEmailOnce(
        mailer,
        keyOf(due),
        notificationMail(due.state, await recipientOf(deps.vault, due), deps.mail),
        ctx,
      ),
    async giveUp(error, due, ctx) {
      const outcome = await mailGiveUp(mailer, keyOf(due), error, ctx.attempt);
      return "sent" in outcome ? { produced: outcome.sent } : { failed: outcome.failed };
    },
    // recorded (or no longer wanted): the in-memory note of the sent email can go
    afterRecord: (_data, due) => mailer.recorded(keyOf(due)),
    describe: ({ messageId, recipientDomain }) => ({ messageId, recipientDomain }),
  });
}
