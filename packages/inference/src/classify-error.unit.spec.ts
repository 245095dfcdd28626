import {
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
} from "@huggingface/inference";
import { describe, expect, it } from "vitest";
import { AiError } from "./ai-error";
import { type CallContext, classifyError } from "./classify-error";
import type { ResponseHints } from "./observing-fetch";

function ctx(overrides: Partial<CallContext> = {}): CallContext {
  return {
    callerSignal: new AbortController().signal,
    timeoutSignal: new AbortController().signal,
    timeoutMs: 1000,
    hints: null,
    ...overrides,
  };
}

type ApiErrorBody = ConstructorParameters<typeof InferenceClientProviderApiError>[2]["body"];

function apiError(status: number, body: ApiErrorBody = {}): InferenceClientProviderApiError {
  return new InferenceClientProviderApiError(
    "Failed to perform inference",
    { url: "http://x", method: "POST" },
    { requestId: "", status, body },
  );
}

function hints(status: number, more: Partial<ResponseHints> = {}): ResponseHints {
  return { status, retryAfterMs: null, estimatedTimeMs: null, errorMessage: null, servedBy: null, ...more };
}

describe("classifyError", () => {
  it("503 is retryable; estimated_time wins over Retry-After", () => {
    const err = classifyError(
      apiError(503),
      ctx({
        hints: hints(503, {
          estimatedTimeMs: 20_000,
          retryAfterMs: 5_000,
          errorMessage: "Model x is currently loading",
        }),
      }),
    );
    expect(err).toMatchObject({
      retryable: true,
      httpStatus: 503,
      retryAfterMs: 20_000,
      reason: "model is loading (HTTP 503)",
    });
    expect(err.cause).toBeInstanceOf(InferenceClientProviderApiError);
  });

  it("503 falls back to the client's parsed body for estimated_time", () => {
    const err = classifyError(apiError(503, { error: "loading", estimated_time: 1.5 }), ctx());
    expect(err.retryAfterMs).toBe(1_500);
  });

  it("429 is retryable with Retry-After, or with no delay when absent", () => {
    expect(classifyError(apiError(429), ctx({ hints: hints(429, { retryAfterMs: 4_000 }) }))).toMatchObject({
      retryable: true,
      httpStatus: 429,
      retryAfterMs: 4_000,
    });
    expect(classifyError(apiError(429), ctx()).retryAfterMs).toBeNull();
  });

  it.each([500, 502, 504, 408])("%i is retryable", (status) => {
    expect(classifyError(apiError(status), ctx())).toMatchObject({ retryable: true, httpStatus: status });
  });

  it.each([
    [400, /invalid input/],
    [401, /unauthorized/],
    [403, /forbidden/],
    [404, /not found/],
    [422, /invalid input/],
    [418, /request rejected/],
  ])("%i is permanent", (status, reason) => {
    const err = classifyError(apiError(status), ctx());
    expect(err).toMatchObject({ retryable: false, httpStatus: status, code: "AI_CALL_FAILED" });
    expect(err.reason).toMatch(reason);
  });

  it("keeps server detail in the reason but never a token", () => {
    const err = classifyError(
      apiError(400),
      ctx({
        hints: hints(400, { errorMessage: "bad token hf_abcdefghijkl and my-secret here" }),
        secrets: ["my-secret"],
      }),
    );
    expect(err.reason).toBe("invalid input (HTTP 400): bad token [redacted] and [redacted] here");
  });

  it("the caller's abort wins over everything but a finished AiError", () => {
    const caller = new AbortController();
    caller.abort();
    const err = classifyError(
      new DOMException("aborted", "AbortError"),
      ctx({ callerSignal: caller.signal }),
    );
    expect(err).toMatchObject({ code: "AI_CALL_ABORTED", retryable: true, aborted: true });
  });

  it("the timeout is a retryable AI_CALL_FAILED", () => {
    const timeout = new AbortController();
    timeout.abort(new DOMException("timed out", "TimeoutError"));
    const err = classifyError(
      new DOMException("timed out", "TimeoutError"),
      ctx({ timeoutSignal: timeout.signal }),
    );
    expect(err).toMatchObject({ code: "AI_CALL_FAILED", retryable: true, reason: "timed out after 1000 ms" });
  });

  it("connection errors are retryable, named by their code", () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(classifyError(refused, ctx())).toMatchObject({
      retryable: true,
      reason: "connection failed (ECONNREFUSED)",
    });
    expect(classifyError(new TypeError("fetch failed"), ctx())).toMatchObject({
      retryable: true,
      reason: "connection failed",
    });
  });

  it("client input and output errors are permanent", () => {
    expect(
      classifyError(
        new InferenceClientInputError("Cannot use endpointUrl with a third-party provider."),
        ctx(),
      ),
    ).toMatchObject({
      retryable: false,
      reason: "invalid request: Cannot use endpointUrl with a third-party provider.",
    });
    expect(classifyError(new InferenceClientProviderOutputError("expected a Blob"), ctx())).toMatchObject({
      retryable: false,
    });
  });

  it("passes an AiError through untouched", () => {
    const original = new AiError({ reason: "model returned an empty caption", retryable: false });
    expect(classifyError(original, ctx())).toBe(original);
  });

  it("unknown errors are retryable (bounded by the handler's attempts)", () => {
    expect(classifyError(new SyntaxError("Unexpected end of JSON"), ctx())).toMatchObject({
      retryable: true,
      reason: "unexpected error (SyntaxError)",
    });
  });
});

describe("AiError", () => {
  it("is an Error with name, code and cause", () => {
    const cause = new Error("root");
    const err = new AiError({ reason: "r", retryable: true, cause });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: "AiError",
      code: "AI_CALL_FAILED",
      message: "r",
      httpStatus: null,
      retryAfterMs: null,
    });
    expect(err.cause).toBe(cause);
  });
});
