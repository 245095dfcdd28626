import * as z from "zod";

/** What a webhook announces: the request finished, failed, or was cancelled. */
export const WebhookEventType = z.enum(["request.completed", "request.failed", "request.cancelled"]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** The Standard Webhooks message id: `msg_` + the id of the event that triggered the webhook. */
const WebhookId = z.string().regex(/^msg_[0-9a-f-]{36}$/);

const delivery = {
  webhookId: WebhookId,
  webhookType: WebhookEventType,
  /** Deliveries made for this message so far, this one included. */
  attempts: z.number().int().positive(),
};

/** The target answered a webhook with a 2xx. */
export const WebhookDeliveredV1 = z.object({
  ...delivery,
  httpStatus: z.number().int().min(200).max(299),
});
export type WebhookDelivered = z.infer<typeof WebhookDeliveredV1>;

/**
 * A webhook could not be delivered: the target was refused (a private address), or every attempt
 * failed. Further deliveries of the same message (an operator's requeue) keep its webhookId.
 */
export const WebhookFailedV1 = z.object({
  ...delivery,
  reason: z.string().min(1).max(2000),
  /** The last answer's status, null when there was none (refused, timeout, connection error). */
  httpStatus: z.number().int().nullable(),
});
export type WebhookFailed = z.infer<typeof WebhookFailedV1>;
