import { AiError } from "../ai/ai-error";

/** The data of a CaptionFailed or GenerationFailed event. */
export interface StageFailure {
  reason: string;
  httpStatus: number | null;
  attempts: number;
  provider: string;
}

// The events' schema bounds `reason`.
const MAX_REASON = 2000;

/**
 * The failure data for the error that ended a stage: an AiError's short, token-free reason and
 * HTTP status; any other error's message (blob store, event store), without a status.
 */
export function stageFailure(error: unknown, attempts: number, provider: string): StageFailure {
  let reason: string;
  if (error instanceof AiError) reason = error.reason;
  else if (error instanceof Error) reason = error.message ? `${error.name}: ${error.message}` : error.name;
  else reason = String(error);
  reason = reason.trim() || "unknown error";
  if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON - 1)}…`;
  return {
    reason,
    httpStatus: error instanceof AiError ? error.httpStatus : null,
    attempts: Math.max(1, attempts),
    provider,
  };
}
