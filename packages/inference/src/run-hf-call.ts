import { classifyError } from "./classify-error";
import { createObservingFetch } from "./observing-fetch";

export interface HfCallOptions {
  /** The caller's signal; its abort becomes AI_CALL_ABORTED. */
  signal: AbortSignal;
  timeoutMs: number;
  secrets?: readonly string[];
  unwrapGeneratedTextList?: boolean;
  baseFetch?: typeof fetch;
}

/** What a single InferenceClient call needs: one signal for both deadlines, and the observing fetch. */
export interface HfCallScope {
  signal: AbortSignal;
  fetch: typeof fetch;
}

/** What a call returned, and which provider the HF router says served it (null when it does not say). */
export interface HfCallResult<T> {
  value: T;
  servedBy: string | null;
}

/**
 * Runs one model call under the caller's signal combined with a timeout, and turns any failure into
 * a classified AiError (reading Retry-After / estimated_time the client does not expose).
 */
export async function runHfCall<T>(
  options: HfCallOptions,
  call: (scope: HfCallScope) => Promise<T>,
): Promise<HfCallResult<T>> {
  const timeoutSignal = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeoutSignal]);
  const observed = createObservingFetch({
    signal,
    unwrapGeneratedTextList: options.unwrapGeneratedTextList,
    baseFetch: options.baseFetch,
  });
  try {
    signal.throwIfAborted();
    const value = await call({ signal, fetch: observed.fetch });
    return { value, servedBy: observed.last()?.servedBy ?? null };
  } catch (err) {
    throw classifyError(err, {
      callerSignal: options.signal,
      timeoutSignal,
      timeoutMs: options.timeoutMs,
      hints: observed.last(),
      secrets: options.secrets,
    });
  }
}
