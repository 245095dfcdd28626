export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter, for the delay before attempt `attempt + 1`. A hint from
 * the failing dependency (Retry-After, a model's estimated loading time) is honoured as a floor.
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  hintMs: number | null = null,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  if (hintMs !== null && hintMs > 0)
    return Math.min(Math.max(jittered, hintMs), Math.max(policy.maxMs, hintMs));
  return jittered;
}

/** The retry hint an error carries (`retryAfterMs`), if any. */
export function retryHintOf(err: unknown): number | null {
  const hint = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof hint === "number" && Number.isFinite(hint) ? hint : null;
}

/** False only for errors that say retrying cannot help (`retryable: false`). */
export function isRetryable(err: unknown): boolean {
  return (err as { retryable?: unknown } | null)?.retryable !== false;
}
