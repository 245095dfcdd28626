import type { NoticeStage } from "@reimagine/contracts";
import type { EventStore, StoredEvent } from "@reimagine/eventstore";
import {
  createStageHandler,
  type DueStage,
  type EventHandler,
  type HandlerContext,
} from "@reimagine/reactor";
import type { Vault } from "@reimagine/vault";
import type { ExactlyOnceMailer } from "./exactly-once-mailer";
import { mailGiveUp, recipientOf, sendEmailOnce } from "./mail-step";
import { failureMail, type NotificationMailOptions } from "./notification-mail";

export interface FailureNoticeHandlerDeps {
  store: EventStore;
  /** Opens the recipient's address, sealed in ImageSubmitted. */
  vault: Vault;
  mailer: ExactlyOnceMailer;
  mail: NotificationMailOptions;
  /** The clock that ages failures; tests move it. */
  now?: () => number;
}

/** The durable consumer of the failure notice, shared by every notifier instance. */
export const FAILURE_NOTIFIER_NAME = "failure_notifier";

/**
 * Failures older than this are never told about: when the failure notice first runs on a log
 * that already holds failures (its consumer starts at the beginning), or a replay reaches them,
 * nobody gets an email about a request that failed long ago. Far beyond any outage the notifier
 * is expected to catch up from.
 */
export const FAILURE_NOTICE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * The claim of the email about one failure: the request, the stage that failed and its run. Apart
 * from the notification's `<requestId>.<run>`, so a request that failed, was retried and then
 * succeeded still gets its "ready" email, and a retry that fails again is told about again.
 */
export function failureClaimKey(requestId: string, stage: NoticeStage, run: number): string {
  return `${requestId}.${stage}-failed.${run}`;
}

/**
 * The failure notice: on CaptionFailed or GenerationFailed, while the request is still failed at
 * that stage's run (no operator retry meanwhile), emails the person once (the same claim protocol
 * as the "ready" email) that this step failed and that nothing more will come, and appends
 * FailureNotified; an email that cannot be delivered appends FailureNotificationFailed.
 */
export function createFailureNoticeHandler(deps: FailureNoticeHandlerDeps): EventHandler {
  const { mailer } = deps;
  const now = deps.now ?? Date.now;
  // the fold makes the notice due only for a caption or generation failure
  const stageOf = (due: DueStage) => due.runStage as NoticeStage;
  const keyOf = (due: DueStage) => failureClaimKey(due.state.requestId, stageOf(due), due.run);

  const kit = createStageHandler({
    name: FAILURE_NOTIFIER_NAME,
    stage: "failureNotice",
    store: deps.store,
    async perform(due, ctx) {
      const stage = stageOf(due);
      const sent = await sendEmailOnce(
        mailer,
        keyOf(due),
        failureMail(due.state, await recipientOf(deps.vault, due), stage, due.run, deps.mail),
        ctx,
      );
      return { stage, ...sent };
    },
    async giveUp(error, due, ctx) {
      const stage = stageOf(due);
      const outcome = await mailGiveUp(mailer, keyOf(due), error, ctx.attempt);
      return "sent" in outcome
        ? { produced: { stage, ...outcome.sent } }
        : { failed: { stage, ...outcome.failed } };
    },
    afterRecord: (_data, due) => mailer.recorded(keyOf(due)),
    describe: ({ stage, messageId, recipientDomain }) => ({ failedStage: stage, messageId, recipientDomain }),
  });

  const tooOld = (trigger: StoredEvent, ctx: HandlerContext) => {
    const ageMs = now() - Date.parse(trigger.event.occurredAt);
    if (ageMs <= FAILURE_NOTICE_MAX_AGE_MS) return false;
    ctx.logger.info({ ageMs }, "failure too old to tell the person about: no email");
    return true;
  };
  return {
    ...kit,
    async handle(trigger, ctx) {
      if (!tooOld(trigger, ctx)) await kit.handle(trigger, ctx);
    },
    async onExhausted(trigger, error, ctx) {
      if (!tooOld(trigger, ctx)) await kit.onExhausted?.(trigger, error, ctx);
    },
  };
}
