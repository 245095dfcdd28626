import {
  InferenceClientInputError,
  InferenceClientProviderOutputError,
  InferenceClientRoutingError,
} from "@huggingface/inference";
import { AiError } from "./ai-error";
import type { ResponseHints } from "./observing-fetch";

/** What classifyError needs to know about the call that failed. */
export interface CallContext {
  callerSignal: AbortSignal;
  timeoutSignal: AbortSignal;
  timeoutMs: number;
  hints: ResponseHints | null;
  /** Strings that must never appear in a reason (the token). */
  secrets?: readonly string[];
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/**
 * Maps whatever a model call threw to an AiError: throttling, loading, server and network
 * failures are retryable (with the server's delay when it gave one); bad tokens, unknown models
 * and invalid input are permanent; the caller's own abort is AI_CALL_ABORTED.
 */
export function classifyError(err: unknown, ctx: CallContext): AiError {
  if (err instanceof AiError) return err;
  if (ctx.callerSignal.aborted) {
    return new AiError({
      code: "AI_CALL_ABORTED",
      reason: "call aborted by caller",
      retryable: true,
      cause: err,
    });
  }
  if (ctx.timeoutSignal.aborted) {
    return new AiError({ reason: `timed out after ${ctx.timeoutMs} ms`, retryable: true, cause: err });
  }

  const status = httpStatusOf(err);
  if (status !== null) return classifyHttpStatus(status, err, ctx);

  if (err instanceof InferenceClientInputError || err instanceof InferenceClientRoutingError) {
    return new AiError({
      reason: `invalid request: ${scrub(err.message, ctx)}`,
      retryable: false,
      cause: err,
    });
  }
  if (err instanceof InferenceClientProviderOutputError) {
    return new AiError({
      reason: `unexpected response from the model: ${scrub(err.message, ctx)}`,
      retryable: false,
      cause: err,
    });
  }
  const networkCode = networkCodeOf(err);
  if (networkCode !== null) {
    return new AiError({ reason: `connection failed (${networkCode})`, retryable: true, cause: err });
  }
  if (err instanceof TypeError && err.message === "fetch failed") {
    return new AiError({ reason: "connection failed", retryable: true, cause: err });
  }
  const name = err instanceof Error ? err.name : typeof err;
  // Unknown failures are retried: the handler's attempt limit bounds them, a lost caption does not.
  return new AiError({ reason: `unexpected error (${name})`, retryable: true, cause: err });
}

function classifyHttpStatus(status: number, err: unknown, ctx: CallContext): AiError {
  const hints = ctx.hints?.status === status ? ctx.hints : null;
  const detail = hints?.errorMessage ? `: ${scrub(hints.errorMessage, ctx)}` : "";
  const base = { httpStatus: status, cause: err };

  if (status === 503) {
    const loading = /loading/i.test(hints?.errorMessage ?? "");
    return new AiError({
      ...base,
      reason: `${loading ? "model is loading" : "service unavailable"} (HTTP 503)${loading ? "" : detail}`,
      retryable: true,
      retryAfterMs: hints?.estimatedTimeMs ?? hints?.retryAfterMs ?? estimatedTimeFromBody(err),
    });
  }
  if (status === 429) {
    return new AiError({
      ...base,
      reason: `rate limited (HTTP 429)`,
      retryable: true,
      retryAfterMs: hints?.retryAfterMs ?? null,
    });
  }
  if (status >= 500 || status === 408 || status === 425) {
    return new AiError({
      ...base,
      reason: `server error (HTTP ${status})${detail}`,
      retryable: true,
      retryAfterMs: hints?.retryAfterMs ?? null,
    });
  }
  return new AiError({
    ...base,
    reason: `${permanentLabel(status)} (HTTP ${status})${detail}`,
    retryable: false,
  });
}

function permanentLabel(status: number): string {
  switch (status) {
    case 401:
      return "unauthorized: HF token missing or invalid";
    case 403:
      return "forbidden: the token may not use this model";
    case 404:
      return "model or endpoint not found";
    case 400:
    case 422:
      return "invalid input";
    case 413:
      return "input too large";
    default:
      return "request rejected";
  }
}

function httpStatusOf(err: unknown): number | null {
  const response = (err as { httpResponse?: { status?: unknown } } | null)?.httpResponse;
  return typeof response?.status === "number" ? response.status : null;
}

function estimatedTimeFromBody(err: unknown): number | null {
  const body = (err as { httpResponse?: { body?: unknown } }).httpResponse?.body;
  const seconds = Number((body as { estimated_time?: unknown } | null)?.estimated_time);
  return body && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null;
}

/** The network error code (ECONNREFUSED, ENOTFOUND, …) somewhere in an error's cause chain, or null. */
export function networkCodeOf(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function scrub(text: string, ctx: CallContext): string {
  let out = text;
  for (const secret of ctx.secrets ?? []) if (secret) out = out.split(secret).join("[redacted]");
  out = out
    .replace(/hf_[A-Za-z0-9]{6,}/g, "[redacted]")
    .replace(/\s+/g, " ")
    .trim();
  return out.length > 160 ? `${out.slice(0, 159)}…` : out;
}
