import {
  type AnyDomainEvent,
  causedBy,
  hasWebhook,
  newEvent,
  type WebhookFailed,
} from "@reimagine/contracts";
import type { EventStore, RequestHistory, StoredEvent } from "@reimagine/eventstore";
import { currentTraceparent } from "@reimagine/platform";
import { type EventHandler, isRetryable, stageFailure } from "@reimagine/reactor";
import { PersonalDataErasedError, personalDataOf, type Vault } from "@reimagine/vault";
import {
  WebhookDeliveryError,
  WebhooksNotConfiguredError,
  WebhookUrlMissingError,
} from "./webhook-delivery-error";
import { WEBHOOK_TRIGGERS, webhookIdOf, webhookMessage, webhookTypeOf } from "./webhook-message";
import type { WebhookSender } from "./webhook-sender";

/** The durable consumer shared by every instance of the webhook reactor. */
export const WEBHOOKS_NAME = "webhooks";

export interface WebhookHandlerDeps {
  store: EventStore;
  /** Opens the webhook URL, sealed with the person's data in ImageSubmitted. */
  vault: Vault;
  /** Null when WEBHOOK_SECRET is not set: every webhook fails at once, as a recorded fact. */
  sender: WebhookSender | null;
  publicBaseUrl: string;
}

/** A trigger whose webhook is still to be delivered: the request's history and the webhook's id. */
interface Due {
  history: RequestHistory;
  webhookId: string;
}

/** The reason recorded when the person's data, the URL with it, was erased before delivery. */
const ERASED_REASON = new PersonalDataErasedError("").reason;

/**
 * The webhook reactor: on each event that ends a request (UserNotified, a *Failed, CancelRequested)
 * of a request submitted with a webhookUrl, POSTs a signed webhook and records WebhookDelivered.
 * Every attempt of one trigger carries the same webhook-id (`msg_<trigger event id>`) and body, so
 * receivers can drop repeats. Failures are retried by the runtime with backoff; when attempts run
 * out, WebhookFailed is recorded and the trigger is dead-lettered, where an operator can requeue it.
 * A refused target (private address) or a missing secret fails at once, without a dead letter.
 * At least once: a crash between the receiver's 2xx and the record sends it again, with the same id.
 * The URL is personal data, sealed with the address: it is opened only here, right before sending,
 * and never logged or recorded. Once the person's data is erased (`forget`) it cannot be opened, and
 * the webhook fails at once with that reason, recorded once, and is not dead-lettered.
 */
export function createWebhookHandler(deps: WebhookHandlerDeps): EventHandler {
  const { store } = deps;

  /**
   * The request's webhook, unless it has none, or this trigger's webhook was delivered already, or
   * its failure for the erasure of the person's data is recorded (nothing can change that).
   */
  const dueWebhook = async (trigger: StoredEvent): Promise<Due | null> => {
    const { requestId } = trigger.event;
    // Most requests have no webhook, and their first event says so: one direct get, where the
    // whole history of a finished request takes ~5 (each NATS round trip costs ~300 µs of CPU here).
    const first = await store.readFirstEvent(requestId);
    if (first !== null && !beganWithWebhook(first.event)) return null;
    // The trigger is in this history, so a first-event read that found nothing, like a read that
    // ends before the trigger, met a replica still behind (3-node clusters read from followers):
    // no proof of "no webhook". The full read decides; it waits that lag out.
    const history = await store.readRequest(requestId, { atLeast: trigger.position });
    const submitted = history.events[0]?.event;
    if (!submitted || !beganWithWebhook(submitted)) return null;
    const webhookId = webhookIdOf(trigger.event);
    const settled = history.events.some(
      ({ event }) =>
        (event.type === "WebhookDelivered" && event.data.webhookId === webhookId) ||
        (event.type === "WebhookFailed" &&
          event.data.webhookId === webhookId &&
          event.data.reason === ERASED_REASON),
    );
    return settled ? null : { history, webhookId };
  };

  /** The target, opened at use; PersonalDataErasedError once the person's data is erased. */
  const targetOf = async (trigger: StoredEvent, due: Due): Promise<string> => {
    const personal = await personalDataOf(
      deps.vault,
      due.history.events.map((s) => s.event),
    );
    if (!personal) throw new PersonalDataErasedError(trigger.event.requestId);
    if (!personal.webhookUrl) throw new WebhookUrlMissingError();
    return personal.webhookUrl;
  };

  const record = (trigger: StoredEvent, event: AnyDomainEvent) =>
    // "any": the outcome does not depend on what else happened to the request meanwhile
    store.append(trigger.event.requestId, [event], "any");

  return {
    name: WEBHOOKS_NAME,
    handles: WEBHOOK_TRIGGERS,

    async handle(trigger, ctx) {
      const due = await dueWebhook(trigger);
      if (!due) return;
      if (!deps.sender) throw new WebhooksNotConfiguredError();
      const url = await targetOf(trigger, due);
      const message = webhookMessage(due.history, trigger, deps.publicBaseUrl);
      const receipt = await deps.sender.send(
        url,
        { id: due.webhookId, body: JSON.stringify(message) },
        ctx.signal,
      );
      const delivered = newEvent(
        "WebhookDelivered",
        trigger.event.requestId,
        {
          webhookId: due.webhookId,
          webhookType: message.type,
          attempts: ctx.attempt,
          httpStatus: receipt.httpStatus,
        },
        causedBy(trigger.event, currentTraceparent()),
      );
      await record(trigger, delivered);
      ctx.logger.info({ webhookId: due.webhookId, httpStatus: receipt.httpStatus }, "webhook delivered");
    },

    async onExhausted(trigger, error, ctx) {
      const due = await dueWebhook(trigger);
      if (!due) return undefined;
      const failed = newEvent(
        "WebhookFailed",
        trigger.event.requestId,
        webhookFailure(error, due.webhookId, webhookTypeOf(trigger.event)!, ctx.attempt),
        causedBy(trigger.event, currentTraceparent()),
      );
      await record(trigger, failed);
      // Worth an operator's requeue once the receiver is back; a refused target, no secret or
      // erased data is not.
      return isRetryable(error) ? "dead-letter" : undefined;
    },
  };
}

/** Whether a request whose first event is `first` was submitted with a webhook. */
function beganWithWebhook(first: AnyDomainEvent): boolean {
  return first.type === "ImageSubmitted" && hasWebhook(first.data);
}

/** WebhookFailed's data for the error that ended the attempts. */
function webhookFailure(
  error: unknown,
  webhookId: string,
  webhookType: WebhookFailed["webhookType"],
  attempts: number,
): WebhookFailed {
  const httpStatus = error instanceof WebhookDeliveryError ? error.httpStatus : null;
  const { reason } = stageFailure(error, attempts, "webhook");
  return { webhookId, webhookType, attempts: Math.max(1, attempts), reason, httpStatus };
}
