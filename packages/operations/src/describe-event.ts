import { type AnyDomainEvent, hasWebhook, type Stage } from "@reimagine/contracts";

/** How an operator reads one event: which stage it belongs to and its key data in a line. */
export interface EventLine {
  position: number;
  id: string;
  type: string;
  at: string;
  stage: Stage | "submission" | "erasure" | "retention" | "cancel" | "webhook";
  summary: string;
  correlationId: string;
  causationId: string;
}

/**
 * A one-line, human summary of an event's key data. The address is never in an event in a form to
 * show, so the caller passes how to show it: masked, or "erased".
 */
export function describeEvent(event: AnyDomainEvent, position: number, shown: { email: string }): EventLine {
  const base = {
    position,
    id: event.id,
    type: event.type,
    at: event.occurredAt,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
  };
  switch (event.type) {
    case "ImageSubmitted": {
      const d = event.data;
      // that there is a webhook, never where: its URL is the person's data
      const webhook = hasWebhook(d) ? ", with a webhook" : "";
      return {
        ...base,
        stage: "submission",
        summary: `${d.contentType} ${d.width}×${d.height}, ${d.bytes} bytes, for ${shown.email}${webhook}`,
      };
    }
    case "CaptionProduced":
      return {
        ...base,
        stage: "caption",
        summary: `"${clip(event.data.caption)}" by ${event.data.model} (${event.data.provider}, ${event.data.latencyMs ?? "?"} ms)`,
      };
    case "ImageGenerated": {
      const d = event.data;
      return {
        ...base,
        stage: "generation",
        summary: `${d.contentType} ${d.width}×${d.height} at ${d.imageKey} by ${d.model} (${d.provider}, ${d.latencyMs} ms)`,
      };
    }
    case "UserNotified":
      return {
        ...base,
        stage: "notification",
        summary: `email ${event.data.messageId} to @${event.data.recipientDomain}`,
      };
    case "CaptionFailed":
    case "GenerationFailed":
      return {
        ...base,
        stage: event.type === "CaptionFailed" ? "caption" : "generation",
        summary: `after ${event.data.attempts} attempt(s)${event.data.httpStatus ? `, HTTP ${event.data.httpStatus}` : ""}: ${event.data.reason}`,
      };
    case "NotificationFailed":
      return {
        ...base,
        stage: "notification",
        summary: `after ${event.data.attempts} attempt(s)${event.data.smtpCode ? `, SMTP ${event.data.smtpCode}` : ""}: ${event.data.reason}`,
      };
    case "FailureNotified":
      return {
        ...base,
        stage: "notification",
        summary: `told the person the ${event.data.stage} failed: email ${event.data.messageId} to @${event.data.recipientDomain}`,
      };
    case "FailureNotificationFailed":
      return {
        ...base,
        stage: "notification",
        summary: `could not tell the person the ${event.data.stage} failed, after ${event.data.attempts} attempt(s)${event.data.smtpCode ? `, SMTP ${event.data.smtpCode}` : ""}: ${event.data.reason}`,
      };
    case "RetryRequested":
      return {
        ...base,
        stage: event.data.stage,
        summary: `retry of ${event.data.stage} requested by ${event.data.requestedBy}${event.data.reason ? `: ${event.data.reason}` : ""}`,
      };
    case "ErasureCompleted": {
      const d = event.data;
      const key = d.keyErased ? "data key erased" : "no data key to erase";
      const kept = d.clearTextInLog
        ? "; the log keeps personal data in clear text (a version-1 address or an unsealed webhook URL)"
        : "";
      return {
        ...base,
        stage: "erasure",
        summary: `personal data erased by ${d.requestedBy}: ${key}, ${d.removed.length} object(s) removed${kept}`,
      };
    }
    case "ImagesExpired":
      return {
        ...base,
        stage: "retention",
        summary: `images removed after ${event.data.retentionDays} day(s): ${event.data.removed.length} object(s)`,
      };
    case "CancelRequested":
      return {
        ...base,
        stage: "cancel",
        summary: `cancelled by its owner while ${event.data.previousStatus}`,
      };
    case "WebhookDelivered":
      return {
        ...base,
        stage: "webhook",
        summary: `${event.data.webhookType} ${event.data.webhookId} answered HTTP ${event.data.httpStatus} (attempt ${event.data.attempts})`,
      };
    case "WebhookFailed":
      return {
        ...base,
        stage: "webhook",
        summary: `${event.data.webhookType} ${event.data.webhookId} failed after ${event.data.attempts} attempt(s)${event.data.httpStatus ? `, HTTP ${event.data.httpStatus}` : ""}: ${event.data.reason}`,
      };
  }
}

const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
