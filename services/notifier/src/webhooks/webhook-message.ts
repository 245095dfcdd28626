import {
  type AnyDomainEvent,
  type FailureCategory,
  foldRequest,
  publicFailure,
  type RequestStatusName,
  type WebhookEventType,
} from "@reimagine/contracts";
import type { RequestHistory, StoredEvent } from "@reimagine/eventstore";
import { requestLinks } from "../public-base-url";

/** The events that end a request, each announced by one webhook of its type. */
const WEBHOOK_TYPES: Partial<Record<AnyDomainEvent["type"], WebhookEventType>> = {
  UserNotified: "request.completed",
  CaptionFailed: "request.failed",
  GenerationFailed: "request.failed",
  NotificationFailed: "request.failed",
  CancelRequested: "request.cancelled",
};

/** The event types that trigger a webhook. */
export const WEBHOOK_TRIGGERS = Object.keys(WEBHOOK_TYPES) as AnyDomainEvent["type"][];

/** The webhook type an event triggers, or null. */
export function webhookTypeOf(event: AnyDomainEvent): WebhookEventType | null {
  return WEBHOOK_TYPES[event.type] ?? null;
}

/** The Standard Webhooks message id of the webhook an event triggers: the same on every attempt. */
export const webhookIdOf = (trigger: AnyDomainEvent): string => `msg_${trigger.id}`;

/** The body of a webhook, as Standard Webhooks suggest: `{type, timestamp, data}`. */
export interface WebhookMessage {
  type: WebhookEventType;
  /** When the triggering event happened (not when this attempt was made). */
  timestamp: string;
  data: {
    id: string;
    status: RequestStatusName;
    caption: string | null;
    captionModel: string | null;
    captionProvider: string | null;
    generationModel: string | null;
    generationProvider: string | null;
    generatedImageUrl: string | null;
    /** The request's page (/r/<id>) and its status as JSON. */
    pageUrl: string;
    statusUrl: string;
    /** As the public status shows it: the category and its safe sentence, never the recorded reason. */
    error: { stage: string; category: FailureCategory; message: string; attempts: number } | null;
    createdAt: string | null;
    updatedAt: string | null;
  };
}

/**
 * The webhook a trigger announces, built from the request's events up to the trigger only, so
 * every attempt sends the same bytes whatever happened since. No email address and no webhook URL:
 * the receiver knows the request by its id.
 */
export function webhookMessage(
  history: RequestHistory,
  trigger: StoredEvent,
  publicBaseUrl: string,
): WebhookMessage {
  const type = webhookTypeOf(trigger.event);
  if (!type) throw new Error(`${trigger.event.type} does not trigger a webhook`);
  const upTo = history.events.filter((s) => s.position <= trigger.position).map((s) => s.event);
  const state = foldRequest(trigger.event.requestId, upTo);
  const links = requestLinks(publicBaseUrl, state.requestId);
  return {
    type,
    timestamp: trigger.event.occurredAt,
    data: {
      id: state.requestId,
      status: state.status,
      caption: state.caption,
      captionModel: state.captionModel,
      captionProvider: state.captionProvider,
      generationModel: state.generationModel,
      generationProvider: state.generationProvider,
      generatedImageUrl: state.generatedImageKey ? links.imageUrl : null,
      pageUrl: links.pageUrl,
      statusUrl: links.statusUrl,
      error: state.error ? publicFailure(state.error) : null,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
    },
  };
}
