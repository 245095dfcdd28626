import type { AnyDomainEvent, RequestEventMessage, RequestState } from "@reimagine/contracts";
import { failureCategoryOf, hasWebhook, publicFailure } from "@reimagine/contracts";
import { imagePath, originalPath } from "../status/to-status-response";

/**
 * One event as the public may see it, with the request's status after it. Holding the request id
 * lets anyone read this, so it leaves out the email (UserNotified keeps only the domain it has),
 * the webhook URL, the cancel token's hash, blob keys, message ids and the recorded reasons of
 * failures (a failure is its category and that category's safe sentence, as on the status).
 */
export function toPublicEvent(
  stored: { event: AnyDomainEvent; position: number },
  after: RequestState,
  baseUrl: string,
): RequestEventMessage {
  const { event, position } = stored;
  return {
    position,
    type: event.type,
    at: event.occurredAt,
    status: after.status,
    data: publicData(event, baseUrl),
  };
}

function publicData(event: AnyDomainEvent, baseUrl: string): Record<string, unknown> {
  switch (event.type) {
    case "ImageSubmitted": {
      const { contentType, bytes, width, height } = event.data;
      const originalImageUrl = `${baseUrl}${originalPath(event.requestId)}`;
      return {
        contentType,
        bytes,
        width,
        height,
        originalImageUrl,
        webhook: hasWebhook(event.data),
      };
    }
    case "CaptionProduced": {
      const { caption, model, provider, latencyMs } = event.data;
      return { caption, model, provider, latencyMs };
    }
    case "ImageGenerated": {
      const { contentType, bytes, width, height, model, provider, latencyMs } = event.data;
      const generatedImageUrl = `${baseUrl}${imagePath(event.requestId)}`;
      return { contentType, bytes, width, height, model, provider, latencyMs, generatedImageUrl };
    }
    case "UserNotified":
      return { recipientDomain: event.data.recipientDomain };
    case "CaptionFailed":
    case "GenerationFailed":
    case "NotificationFailed": {
      const stage =
        event.type === "CaptionFailed"
          ? "caption"
          : event.type === "GenerationFailed"
            ? "generation"
            : "notification";
      // as the status shows it: the category's safe sentence, never the recorded reason
      const { attempts } = event.data;
      return publicFailure({ stage, category: failureCategoryOf(stage, event.data), attempts });
    }
    case "RetryRequested":
      return { stage: event.data.stage };
    case "FailureNotified":
      return { failedStage: event.data.stage, recipientDomain: event.data.recipientDomain };
    case "FailureNotificationFailed":
      return { failedStage: event.data.stage, attempts: event.data.attempts };
    case "CancelRequested":
      return { previousStatus: event.data.previousStatus };
    case "ErasureCompleted":
      // who asked and which objects went are for operators
      return {};
    case "ImagesExpired":
      return { retentionDays: event.data.retentionDays };
    case "WebhookDelivered": {
      const { webhookType, httpStatus, attempts } = event.data;
      return { webhookType, httpStatus, attempts };
    }
    case "WebhookFailed": {
      // the reason may name the webhook's host, which is the submitter's business only
      const { webhookType, httpStatus, attempts } = event.data;
      return { webhookType, httpStatus, attempts };
    }
  }
}
