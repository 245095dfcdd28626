import * as z from "zod";
import type { Stage } from "./stage";

/**
 * Why a stage gave up, as a stable category: what the public status shows (with the category's
 * safe sentence), while the failure event keeps the full reason for operators (admin API, CLI, logs).
 */
export const FailureCategory = z.enum([
  /** The model's provider could not be reached or kept failing (5xx, 429, timeouts). */
  "model-unavailable",
  /** The model's provider refused the request (a 4xx other than 429). */
  "model-refused",
  /** The uploaded image could not be decoded where it is decoded (the caption stage). */
  "image-unreadable",
  /** What the stage works on is gone (the stored original, the caption). */
  "input-missing",
  /** The mail server refused the address or the message for good. */
  "email-undeliverable",
  /** The mail server could not be reached or kept deferring. */
  "mail-unavailable",
  /** Anything else; the detail is in the event and the logs. */
  "internal",
]);
export type FailureCategory = z.infer<typeof FailureCategory>;

/** The one sentence the public status shows for each category: no host, address, key or provider text. */
export const FAILURE_SENTENCES: Record<FailureCategory, string> = {
  "model-unavailable": "The AI model was unavailable and did not answer in time; an operator can retry.",
  "model-refused": "The AI model refused this request.",
  "image-unreadable": "The image could not be read; it may be damaged or use an encoding we cannot decode.",
  "input-missing": "Something this step needed was no longer available.",
  "email-undeliverable": "The email could not be delivered to this address.",
  "mail-unavailable": "The mail server was unavailable; an operator can retry.",
  internal: "An internal error stopped this step; it has been logged.",
};

/** What a failure event says about itself, old (no category) or new. */
export interface FailureFacts {
  category?: FailureCategory | undefined;
  httpStatus?: number | null;
  smtpCode?: number | null;
}

/**
 * The category of a failure: the one the event names, else (events written before categories) one
 * inferred from its status codes.
 */
export function failureCategoryOf(stage: Stage, facts: FailureFacts): FailureCategory {
  if (facts.category) return facts.category;
  if (stage === "notification") {
    const code = facts.smtpCode ?? null;
    if (code !== null && code >= 500) return "email-undeliverable";
    return code === null ? "internal" : "mail-unavailable";
  }
  const status = facts.httpStatus ?? null;
  if (status === null) return "internal";
  return status === 429 || status >= 500 ? "model-unavailable" : "model-refused";
}

/**
 * A failure as the public sees it (the status, the event stream, webhooks): its stage, category,
 * the category's safe sentence and the attempts; never the recorded reason.
 */
export function publicFailure(failure: {
  stage: Stage;
  category?: FailureCategory | undefined;
  attempts: number;
}): { stage: Stage; category: FailureCategory; message: string; attempts: number } {
  // A failure recorded before categories existed has none: judged from what is known.
  const category = failure.category ?? failureCategoryOf(failure.stage, {});
  return { stage: failure.stage, category, message: FAILURE_SENTENCES[category], attempts: failure.attempts };
}
