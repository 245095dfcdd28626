import { AiError } from "@reimagine/inference";
import {
  chatCompletionBody,
  FAKE_CAPTION,
  FAKE_CHAT_CAPTION,
  type FakeHfServer,
  fakePng,
  modelLoadingResponse,
  startFakeHfServer,
} from "@reimagine/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ImageInput } from "./captioner";
import { createHfCaptioner, type HfCaptionerOptions } from "./hf-captioner";

const TOKEN = "hf_testtoken0123456789";
let server: FakeHfServer;
let image: ImageInput;

beforeAll(async () => {
  server = await startFakeHfServer({ token: TOKEN });
  image = { bytes: await fakePng(32, 16), contentType: "image/png" };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const signal = () => new AbortController().signal;

function imageToText(overrides: Partial<HfCaptionerOptions> = {}) {
  return createHfCaptioner({
    token: TOKEN,
    mode: "imageToText",
    model: "Salesforce/blip-image-captioning-large",
    provider: "auto",
    endpointUrl: server.endpoints.imageToText,
    timeoutMs: 5_000,
    ...overrides,
  });
}

function chat(overrides: Partial<HfCaptionerOptions> = {}) {
  return imageToText({
    mode: "chatCompletion",
    model: "Qwen/Qwen2.5-VL-7B-Instruct",
    endpointUrl: server.endpoints.chatCompletion,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<AiError> {
  const err = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AiError);
  return err as AiError;
}

describe("HF captioner, imageToText via an endpoint URL", () => {
  it("posts the raw image bytes with the bearer token and returns the caption", async () => {
    const result = await imageToText().caption(image, { signal: signal() });

    expect(result).toMatchObject({
      caption: FAKE_CAPTION,
      model: "Salesforce/blip-image-captioning-large",
      provider: "endpoint",
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    const [req] = server.requestsFor("imageToText");
    expect(server.requests).toHaveLength(1);
    expect(req?.method).toBe("POST");
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers["content-type"]).toBe("image/png");
    expect(req?.body.equals(image.bytes)).toBe(true);
  });

  it("accepts the list shape some image-to-text servers return", async () => {
    server.enqueue("imageToText", { json: [{ generated_text: "  a cat\n on a   mat " }] });
    const result = await imageToText().caption(image, { signal: signal() });
    expect(result.caption).toBe("a cat on a mat");
  });

  it("normalizes the caption: trimmed, collapsed, capped on a word boundary", async () => {
    server.enqueue("imageToText", { json: { generated_text: `  ${"word ".repeat(100)}  ` } });
    const { caption } = await imageToText().caption(image, { signal: signal() });
    expect(caption.length).toBeLessThanOrEqual(300);
    expect(caption).toMatch(/^word( word)*…$/);
  });

  it("an empty caption is a permanent failure", async () => {
    server.enqueue("imageToText", { json: { generated_text: "   \n " } });
    const err = await failure(imageToText().caption(image, { signal: signal() }));
    expect(err).toMatchObject({
      retryable: false,
      reason: "model returned an empty caption",
      code: "AI_CALL_FAILED",
    });
  });

  it("503 loading is retryable after estimated_time, and is sent once (no client re-send)", async () => {
    server.enqueue("imageToText", modelLoadingResponse(20.5));
    const err = await failure(imageToText().caption(image, { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, httpStatus: 503, retryAfterMs: 20_500 });
    expect(err.reason).toMatch(/loading/);
    expect(server.requests).toHaveLength(1);
  });

  it("503 without a body uses Retry-After", async () => {
    server.enqueue("imageToText", { status: 503, text: "busy", headers: { "retry-after": "7" } });
    const err = await failure(imageToText().caption(image, { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, httpStatus: 503, retryAfterMs: 7_000 });
  });

  it("429 is retryable after Retry-After (an HTTP date works too)", async () => {
    server.enqueue("imageToText", {
      status: 429,
      json: { error: "Rate limit reached" },
      headers: { "Retry-After": "3" },
    });
    const err = await failure(imageToText().caption(image, { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, httpStatus: 429, retryAfterMs: 3_000 });

    const at = new Date(Date.now() + 60_000).toUTCString();
    server.enqueue("imageToText", {
      status: 429,
      json: { error: "slow down" },
      headers: { "retry-after": at },
    });
    const byDate = await failure(imageToText().caption(image, { signal: signal() }));
    expect(byDate.retryAfterMs).toBeGreaterThan(55_000);
    expect(byDate.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("500 is retryable", async () => {
    server.enqueue("imageToText", { status: 500, json: { error: "CUDA out of memory" } });
    const err = await failure(imageToText().caption(image, { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, httpStatus: 500, retryAfterMs: null });
    expect(err.reason).toContain("CUDA out of memory");
  });

  it("401 (bad token) is permanent and the token never appears in the reason", async () => {
    const err = await failure(
      imageToText({ token: "hf_wrongtoken999999" }).caption(image, { signal: signal() }),
    );
    expect(err).toMatchObject({ retryable: false, httpStatus: 401 });
    expect(err.reason).toMatch(/unauthorized/);
    expect(`${err.reason} ${err.message}`).not.toContain("hf_wrongtoken999999");
    expect(server.requests[0]?.headers.authorization).toBe("Bearer hf_wrongtoken999999");
  });

  it("404 and 400 are permanent", async () => {
    server.enqueue("imageToText", { status: 404, json: { error: "Model not found" } });
    expect(await failure(imageToText().caption(image, { signal: signal() }))).toMatchObject({
      retryable: false,
      httpStatus: 404,
    });
    server.enqueue("imageToText", { status: 400, json: { error: "cannot identify image file" } });
    expect(await failure(imageToText().caption(image, { signal: signal() }))).toMatchObject({
      retryable: false,
      httpStatus: 400,
    });
  });

  it("a response slower than the timeout is a retryable timeout, sent exactly once", async () => {
    server.enqueue("imageToText", { delayMs: 3_000, json: { generated_text: "too late" } });
    const started = Date.now();
    const err = await failure(imageToText({ timeoutMs: 200 }).caption(image, { signal: signal() }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toMatchObject({ retryable: true, code: "AI_CALL_FAILED", httpStatus: null });
    expect(err.reason).toBe("timed out after 200 ms");
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(1);
  });

  it("the caller's abort is AI_CALL_ABORTED, distinct from a timeout", async () => {
    server.enqueue("imageToText", { delayMs: 3_000, json: { generated_text: "too late" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(imageToText().caption(image, { signal: controller.signal }));
    expect(err).toMatchObject({ code: "AI_CALL_ABORTED", retryable: true, aborted: true });

    const already = await failure(imageToText().caption(image, { signal: AbortSignal.abort() }));
    expect(already.code).toBe("AI_CALL_ABORTED");
    expect(server.requests).toHaveLength(1);
  });

  it("a refused connection is retryable", async () => {
    const closed = await startFakeHfServer();
    const url = closed.endpoints.imageToText;
    await closed.close();
    const err = await failure(imageToText({ endpointUrl: url }).caption(image, { signal: signal() }));
    expect(err).toMatchObject({
      retryable: true,
      httpStatus: null,
      reason: "connection failed (ECONNREFUSED)",
    });
  });
});

describe("HF captioner, chatCompletion via an endpoint URL", () => {
  it("sends the image as a data URL with a one-sentence prompt and returns the answer", async () => {
    const result = await chat().caption(image, { signal: signal() });

    expect(result).toMatchObject({ caption: FAKE_CHAT_CAPTION, model: "Qwen/Qwen2.5-VL-7B-Instruct" });
    const [req] = server.requestsFor("chatCompletion");
    expect(req?.path).toBe("/models/fake/chat-model/v1/chat/completions");
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers["content-type"]).toBe("application/json");
    const body = req?.json as {
      model: string;
      max_tokens: number;
      messages: { role: string; content: { type: string; text?: string; image_url?: { url: string } }[] }[];
    };
    expect(body.model).toBe("Qwen/Qwen2.5-VL-7B-Instruct");
    expect(body.max_tokens).toBeGreaterThan(0);
    const parts = body.messages[0]?.content ?? [];
    expect(parts.find((p) => p.type === "image_url")?.image_url?.url).toBe(
      `data:image/png;base64,${image.bytes.toString("base64")}`,
    );
    expect(parts.find((p) => p.type === "text")?.text).toMatch(/one descriptive sentence/);
  });

  it("strips the quotes chat models like to add", async () => {
    server.enqueue("chatCompletion", { json: chatCompletionBody('  "A dog   asleep on a sofa."\n') });
    expect((await chat().caption(image, { signal: signal() })).caption).toBe("A dog asleep on a sofa.");
  });

  it("an empty answer is a permanent failure", async () => {
    server.enqueue("chatCompletion", { json: chatCompletionBody("") });
    const err = await failure(chat().caption(image, { signal: signal() }));
    expect(err).toMatchObject({ retryable: false, reason: "model returned an empty caption" });
  });

  it("503 loading is retryable with estimated_time and sent once", async () => {
    server.enqueue("chatCompletion", modelLoadingResponse(12));
    const err = await failure(chat().caption(image, { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, httpStatus: 503, retryAfterMs: 12_000 });
    expect(server.requests).toHaveLength(1);
  });

  it("422 (model cannot take images) is permanent", async () => {
    server.enqueue("chatCompletion", {
      status: 422,
      json: { error: "Input validation error: image not supported" },
    });
    const err = await failure(chat().caption(image, { signal: signal() }));
    expect(err).toMatchObject({ retryable: false, httpStatus: 422 });
  });
});

describe("HF captioner through the HF router (no endpoint URL)", () => {
  it("posts to the auto-router with the caller's signal, via the custom fetch", async () => {
    const seen: { url: string; hasSignal: boolean }[] = [];
    const routerFetch: typeof fetch = async (input, init) => {
      const url = String(input);
      seen.push({ url, hasSignal: init?.signal instanceof AbortSignal });
      return fetch(server.endpoints.chatCompletion + "/v1/chat/completions", init);
    };
    const captioner = chat({ endpointUrl: undefined, provider: "auto", fetch: routerFetch });
    expect(captioner.provider).toBe("huggingface:auto");

    const result = await captioner.caption(image, { signal: signal() });

    expect(result.caption).toBe(FAKE_CHAT_CAPTION);
    expect(seen).toEqual([{ url: "https://router.huggingface.co/v1/chat/completions", hasSignal: true }]);
  });

  it("records the provider the router says served the call (x-inference-provider), not just auto", async () => {
    server.enqueue("chatCompletion", {
      json: chatCompletionBody(FAKE_CHAT_CAPTION),
      headers: { "x-inference-provider": "novita" },
    });
    const routerFetch: typeof fetch = (_input, init) =>
      fetch(server.endpoints.chatCompletion + "/v1/chat/completions", init);
    const captioner = chat({ endpointUrl: undefined, provider: "auto", fetch: routerFetch });

    expect((await captioner.caption(image, { signal: signal() })).provider).toBe("huggingface:novita");
    // a router that does not say keeps the configured label; a header that is no provider name is not trusted
    expect((await captioner.caption(image, { signal: signal() })).provider).toBe("huggingface:auto");
    server.enqueue("chatCompletion", {
      json: chatCompletionBody(FAKE_CHAT_CAPTION),
      headers: { "x-inference-provider": "<script>" },
    });
    expect((await captioner.caption(image, { signal: signal() })).provider).toBe("huggingface:auto");
  });

  it("an unknown HF_PROVIDER is refused at construction", () => {
    expect(() => imageToText({ endpointUrl: undefined, provider: "nope" })).toThrowError(
      /unknown HF_PROVIDER "nope"/,
    );
  });
});
