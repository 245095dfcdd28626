import { parseRetryAfter } from "./parse-retry-after";

/** What the last HTTP response of a call said about when to come back; the client hides it. */
export interface ResponseHints {
  status: number;
  retryAfterMs: number | null;
  /** From the legacy 503 body `{"error": "... is currently loading", "estimated_time": N}`. */
  estimatedTimeMs: number | null;
  /** The `error` (or `message`) string of a JSON error body, for the reason. */
  errorMessage: string | null;
  /** Which provider the HF router sent the call to (`x-inference-provider`), e.g. when HF_PROVIDER is auto. */
  servedBy: string | null;
}

export interface ObservingFetch {
  fetch: typeof fetch;
  /** Hints from the most recent response, or null before any response arrived. */
  last(): ResponseHints | null;
}

export interface ObservingFetchOptions {
  /** Added to requests the client sends without one (its Hub model-mapping lookup). */
  signal: AbortSignal;
  /**
   * image-to-text servers answer either `{"generated_text"}` or `[{"generated_text"}]` depending on
   * the model's framework; @huggingface/inference 4.x accepts only the object, so unwrap the list.
   */
  unwrapGeneratedTextList?: boolean;
  baseFetch?: typeof fetch;
}

/** A fetch for InferenceClient that records Retry-After and estimated_time of each response. */
export function createObservingFetch(options: ObservingFetchOptions): ObservingFetch {
  const baseFetch = options.baseFetch ?? globalThis.fetch;
  let last: ResponseHints | null = null;

  const observingFetch = async function observingFetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    const response = await baseFetch(input, { ...init, signal: init?.signal ?? options.signal });
    const isJson = response.headers.get("content-type")?.startsWith("application/json") ?? false;
    let body: unknown = null;
    if (isJson && (!response.ok || options.unwrapGeneratedTextList)) {
      // clone() so the client still reads the body it expects.
      body = await response
        .clone()
        .json()
        .catch(() => null);
    }
    last = {
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      estimatedTimeMs: estimatedTimeMs(body),
      errorMessage: errorMessage(body),
      servedBy: response.headers.get("x-inference-provider"),
    };
    if (response.ok && options.unwrapGeneratedTextList && isGeneratedTextList(body)) {
      const headers = new Headers(response.headers);
      headers.delete("content-length");
      headers.delete("content-encoding");
      return new Response(JSON.stringify(body[0]), { status: response.status, headers });
    }
    return response;
  };

  return { fetch: observingFetch as typeof fetch, last: () => last };
}

function estimatedTimeMs(body: unknown): number | null {
  if (typeof body !== "object" || body === null || !("estimated_time" in body)) return null;
  const seconds = Number(body.estimated_time);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null;
}

function errorMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const record = body as Record<string, unknown>;
  for (const key of ["error", "message", "detail"]) {
    const value = record[key];
    if (typeof value === "string") return value;
    // OpenAI-style `{"error": {"message": "..."}}`
    if (
      typeof value === "object" &&
      value !== null &&
      typeof (value as { message?: unknown }).message === "string"
    ) {
      return (value as { message: string }).message;
    }
  }
  return null;
}

function isGeneratedTextList(body: unknown): body is [{ generated_text: string }] {
  return (
    Array.isArray(body) &&
    body.length > 0 &&
    typeof body[0] === "object" &&
    body[0] !== null &&
    typeof (body[0] as { generated_text?: unknown }).generated_text === "string"
  );
}
