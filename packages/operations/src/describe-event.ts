import type { AnyDomainEvent, Stage } from "@reimagine/contracts";
import { maskEmail } from "@reimagine/contracts";

/** How an operator reads one event: which stage it belongs to and its key data in a line. */
export interface EventLine {
  position: number;
  id: string;
  type: string;
  at: string;
  stage: Stage | "submission";
  summary: string;
  correlationId: string;
  causationId: string;
}

/** A one-line, human summary of an event's key data (never the full email address). */
export function describeEvent(event: AnyDomainEvent, position: number): EventLine {
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
      return {
        ...base,
        stage: "submission",
        summary: `${d.contentType} ${d.width}×${d.height}, ${d.bytes} bytes, for ${maskEmail(d.email)}`,
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
  }
}

const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
