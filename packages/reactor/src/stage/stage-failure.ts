import { FailureCategory } from "@reimagine/contracts";

/** The failure data of a stage that gave up, before the stage adds its own fields. */
export interface StageFailure {
  reason: string;
  httpStatus: number | null;
  attempts: number;
  provider: string;
  category: FailureCategory;
}

/**
 * An error that says what went wrong in a short sentence that is safe to put in an event (no
 * token, no address), and the HTTP status of the call that failed, when there was one.
 */
export interface ReasonedError extends Error {
  reason: string;
  httpStatus?: number | null;
  /** What the public status says about it; inferred from the HTTP status when absent. */
  category?: FailureCategory;
}

/**
 * What a stage works on is missing or unusable (the original is gone from the blob store, a
 * request has no caption): no retry can bring it back, so the stage fails at once.
 */
export class StageInputError extends Error {
  override readonly name = "StageInputError";
  readonly code = "STAGE_INPUT_MISSING";
  /** Read by the handler runtime: skip the retries, record the failure. */
  readonly retryable = false;
  /** What the public status says: the input is gone (default), or, say, it does not decode. */
  readonly category: FailureCategory;

  constructor(message: string, options: { cause?: unknown; category?: FailureCategory } = {}) {
    super(message, { cause: options.cause });
    this.category = options.category ?? "input-missing";
  }
}

// The events' schema bounds `reason`.
const MAX_REASON = 2000;

function isReasoned(error: unknown): error is ReasonedError {
  return error instanceof Error && typeof (error as Partial<ReasonedError>).reason === "string";
}

/**
 * The failure data for the error that ended a stage: a ReasonedError's reason and HTTP status
 * (a model call); any other error's name and message (blob store, event store), without a status.
 */
export function stageFailure(error: unknown, attempts: number, provider: string): StageFailure {
  let reason: string;
  if (isReasoned(error)) reason = error.reason;
  else if (error instanceof Error) reason = error.message ? `${error.name}: ${error.message}` : error.name;
  else reason = String(error);
  reason = reason.trim() || "unknown error";
  if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON - 1)}…`;
  const httpStatus = isReasoned(error) ? (error.httpStatus ?? null) : null;
  return {
    reason,
    httpStatus,
    attempts: Math.max(1, attempts),
    provider,
    category: categoryOf(error, httpStatus),
  };
}

/**
 * The public category of the error that ended a model stage: its own when it names one (a stage
 * that knows, e.g. an image that does not decode), else from what it is.
 */
function categoryOf(error: unknown, httpStatus: number | null): FailureCategory {
  const named = FailureCategory.safeParse((error as { category?: unknown } | null)?.category);
  if (named.success) return named.data;
  if (error instanceof StageInputError) return "input-missing";
  if (isReasoned(error)) {
    // A model call: no status means it never answered (timeout, network), so unavailable.
    if (httpStatus === null || httpStatus === 429 || httpStatus >= 500) return "model-unavailable";
    return "model-refused";
  }
  return "internal";
}
