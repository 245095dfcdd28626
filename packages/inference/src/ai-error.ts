export type AiErrorCode = "AI_CALL_FAILED" | "AI_CALL_ABORTED" | "AI_CONFIG_INVALID";

export interface AiErrorDetails {
  code?: AiErrorCode;
  reason: string;
  retryable: boolean;
  httpStatus?: number | null;
  retryAfterMs?: number | null;
  cause?: unknown;
}

/**
 * A failed model call, classified so a handler can decide between retrying later (and when) and
 * giving up. `reason` is short, human readable and safe to put in an event (never a token).
 */
export class AiError extends Error {
  override readonly name = "AiError";
  readonly code: AiErrorCode;
  readonly reason: string;
  readonly retryable: boolean;
  readonly httpStatus: number | null;
  readonly retryAfterMs: number | null;

  constructor(details: AiErrorDetails) {
    super(details.reason, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code ?? "AI_CALL_FAILED";
    this.reason = details.reason;
    this.retryable = details.retryable;
    this.httpStatus = details.httpStatus ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /** True when the caller's own signal ended the call (shutdown), not the model or the timeout. */
  get aborted(): boolean {
    return this.code === "AI_CALL_ABORTED";
  }
}

/** Narrows an unknown error to an AiError. */
export function isAiError(err: unknown): err is AiError {
  return err instanceof AiError;
}
