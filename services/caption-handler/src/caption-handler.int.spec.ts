import type { JetStreamEventStore } from "@reimagine/eventstore";
import { requestRetry } from "@reimagine/operations";
import type { Config } from "@reimagine/platform";
import { silentLogger } from "@reimagine/platform";
import {
  countCalls,
  FAKE_CAPTION,
  FAKE_CHAT_CAPTION,
  makeJpeg,
  modelLoadingResponse,
  openStageHarness,
  type StageHarness,
  waitFor,
} from "@reimagine/testing";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCaptionHandler, startCaptionHandler } from "./caption-handler";
import { createCaptioner } from "./captioners/create-captioner";

let h: StageHarness;
beforeEach(async () => {
  h = await openStageHarness();
});
afterEach(() => h.cleanup());

/** Starts an instance as the service does, with the HF captioner on the fake server unless told. */
async function start(config: Config = h.config, store: JetStreamEventStore = h.store, calls?: { n: number }) {
  const captioner = createCaptioner(config);
  const counted = calls ? countCalls(captioner, "caption", calls) : captioner;
  return h.track(
    await startCaptionHandler({ store, blobs: h.blobs, captioner: counted, config, logger: silentLogger }),
  );
}

const elapsedMs = (from: { occurredAt: string }, to: { occurredAt: string }) =>
  Date.parse(to.occurredAt) - Date.parse(from.occurredAt);

describe("caption-handler on NATS, s3rver and the HF wire format", () => {
  it("captions the stored original and records CaptionProduced", async () => {
    await start();
    const { event: submitted } = await h.submit();
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");
    expect(produced.data).toMatchObject({
      caption: FAKE_CAPTION,
      model: h.config.HF_CAPTION_MODEL,
      provider: "endpoint",
    });
    expect(produced.data.latencyMs).toBeGreaterThanOrEqual(0);
    expect(produced.metadata).toMatchObject({
      correlationId: submitted.metadata.correlationId,
      causationId: submitted.id,
    });
    // the model got the original's bytes, as stored
    const [call] = h.hf.requestsFor("imageToText");
    const original = await h.blobs.getBuffer(h.config.S3_BUCKET_ORIGINALS, submitted.data.originalKey);
    expect(call?.body.equals(original)).toBe(true);
    expect(h.hf.requests).toHaveLength(1);
    expect(await h.state(submitted.requestId)).toMatchObject({ status: "captioned", caption: FAKE_CAPTION });
  });

  it("waits out a loading model (503 with estimated_time), then captions", async () => {
    h.hf.enqueue("imageToText", modelLoadingResponse(0.6));
    await start();
    const { event: submitted } = await h.submit();
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");
    expect(h.hf.requestsFor("imageToText")).toHaveLength(2);
    // the backoff here is at most 100 ms: only the model's estimate explains the wait
    expect(elapsedMs(submitted, produced)).toBeGreaterThanOrEqual(600);
  });

  it("honours Retry-After on a 429, then captions", async () => {
    h.hf.enqueue("imageToText", {
      status: 429,
      headers: { "retry-after": "1" },
      json: { error: "Rate limit reached" },
    });
    await start();
    const { event: submitted } = await h.submit();
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");
    expect(h.hf.requestsFor("imageToText")).toHaveLength(2);
    expect(elapsedMs(submitted, produced)).toBeGreaterThanOrEqual(1000);
  });

  it("records CaptionFailed with status and attempts when 500s outlast the attempts", async () => {
    h.hf.setDefault("imageToText", { status: 500, json: { error: "CUDA out of memory" } });
    await start();
    const { event: submitted } = await h.submit();
    const failed = await h.waitForEvent(submitted.requestId, "CaptionFailed");
    expect(failed.data).toEqual({
      reason: "server error (HTTP 500): CUDA out of memory",
      httpStatus: 500,
      attempts: 3,
      provider: "endpoint",
      category: "model-unavailable",
    });
    expect(h.hf.requestsFor("imageToText")).toHaveLength(3);
    expect(await h.state(submitted.requestId)).toMatchObject({
      status: "failed",
      error: { stage: "caption", message: failed.data.reason, attempts: 3 },
    });
  });

  it("records CaptionFailed when deliveries keep ending without an outcome (the process dies each time)", async () => {
    // Two attempts, each taken by an instance that dies mid-call; the third delivery is over the cap.
    const config = h.configWith({
      HANDLER_MAX_ATTEMPTS: 2,
      HANDLER_ACK_WAIT_MS: 1000,
      HF_TIMEOUT_MS: 60_000,
    });
    h.hf.enqueue("imageToText", { json: { generated_text: "never seen" }, delayMs: 30_000 });
    h.hf.enqueue("imageToText", { json: { generated_text: "never seen" }, delayMs: 30_000 });
    const { event: submitted } = await h.submit();
    for (let dying = 1; dying <= 2; dying++) {
      const peer = await h.openPeerStore();
      await start(config, peer);
      await waitFor(() => h.hf.requestsFor("imageToText").length === dying, { what: `call ${dying}` });
      await peer.nc.close(); // the process is gone: no ack, no nak, no heartbeat
    }
    await start(config);
    const failed = await h.waitForEvent(submitted.requestId, "CaptionFailed");
    expect(failed.data).toMatchObject({ reason: "Error: no outcome after 2 deliveries", attempts: 3 });
    expect(h.hf.requestsFor("imageToText")).toHaveLength(2);
    expect((await h.events(submitted.requestId)).map((e) => e.type)).toEqual([
      "ImageSubmitted",
      "CaptionFailed",
    ]);
  });

  it("fails at once on a 401: one HF request only", async () => {
    await start(h.configWith({ HF_TOKEN: "hf_wrongtoken123" }));
    const { event: submitted } = await h.submit();
    const failed = await h.waitForEvent(submitted.requestId, "CaptionFailed");
    expect(failed.data).toMatchObject({ httpStatus: 401, attempts: 1 });
    expect(failed.data.reason).toMatch(/^unauthorized/);
    expect(failed.data.reason).not.toContain("hf_wrongtoken123");
    expect(h.hf.requests).toHaveLength(1);
  });

  it("retries a call that times out", async () => {
    h.hf.enqueue("imageToText", { json: { generated_text: "too late" }, delayMs: 3000 });
    await start(h.configWith({ HF_TIMEOUT_MS: 700 }));
    const { event: submitted } = await h.submit();
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");
    expect(produced.data.caption).toBe(FAKE_CAPTION);
    expect(h.hf.requestsFor("imageToText")).toHaveLength(2);
  });

  it("fails at once when the original is gone from the blob store", async () => {
    await start();
    const { event: submitted } = await h.submit();
    await h.blobs.remove(h.config.S3_BUCKET_ORIGINALS, submitted.data.originalKey);
    const failed = await h.waitForEvent(submitted.requestId, "CaptionFailed");
    expect(failed.data).toMatchObject({ attempts: 1, httpStatus: null });
    expect(failed.data.reason).toMatch(/StageInputError: original image .* is missing/);
    expect(h.hf.requests).toHaveLength(0);
  });

  it("gives the model a right-sized image: a large upload arrives at most 1024 px on its longest side", async () => {
    await start();
    const { event: submitted } = await h.submit({
      bytes: await makeJpeg(2400, 1600),
      contentType: "image/jpeg",
    });
    await h.waitForEvent(submitted.requestId, "CaptionProduced");
    const [call] = h.hf.requestsFor("imageToText");
    const sent = await sharp(call!.body).metadata();
    expect([sent.format, sent.width, sent.height]).toEqual(["jpeg", 1024, 683]);
  });

  it("fails at once, with a clear reason and no model call, when the upload does not decode", async () => {
    await start();
    const jpeg = await makeJpeg(640, 480);
    const { event: submitted } = await h.submit({
      bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
      contentType: "image/jpeg",
    });
    const failed = await h.waitForEvent(submitted.requestId, "CaptionFailed");
    // The public status names it image-unreadable (the API let it in: its header was whole).
    expect(failed.data).toMatchObject({ attempts: 1, httpStatus: null, category: "image-unreadable" });
    expect(failed.data.reason).toMatch(
      /^StageInputError: the uploaded file is not an image that can be decoded/,
    );
    expect(h.hf.requests).toHaveLength(0);
  });

  it("captions through a self-hosted OpenAI-compatible vision chat server (Ollama, vLLM, LM Studio, TGI)", async () => {
    await start(
      h.configWith({
        HF_CAPTION_MODE: "chatCompletion",
        HF_CAPTION_ENDPOINT_URL: h.hf.openAiBaseUrl,
        HF_CAPTION_MODEL: "qwen2.5vl:7b",
      }),
    );
    const { event: submitted } = await h.submit({
      bytes: await makeJpeg(2000, 3000),
      contentType: "image/jpeg",
    });
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");

    expect(produced.data).toMatchObject({
      caption: FAKE_CHAT_CAPTION,
      model: "qwen2.5vl:7b",
      provider: "endpoint",
    });
    const [call] = h.hf.requestsFor("chatCompletion");
    expect(call?.path).toBe("/v1/chat/completions");
    const body = call?.json as {
      model: string;
      messages: { content: { type: string; image_url?: { url: string } }[] }[];
    };
    expect(body.model).toBe("qwen2.5vl:7b");
    const url = body.messages[0]!.content.find((p) => p.type === "image_url")!.image_url!.url;
    expect(url.startsWith("data:image/jpeg;base64,")).toBe(true);
    const sent = await sharp(Buffer.from(url.slice(url.indexOf(",") + 1), "base64")).metadata();
    expect([sent.width, sent.height]).toEqual([683, 1024]);
  });

  it("appends nothing for a redelivered ImageSubmitted: captioned once", async () => {
    await start();
    const submitted = await h.submit();
    await h.waitForEvent(submitted.event.requestId, "CaptionProduced");
    // what the runtime does on a redelivery or a replay: the same event, handled again
    const handler = createCaptionHandler({ ...h, captioner: createCaptioner(h.config) });
    const ctx = { attempt: 2, maxAttempts: 3, signal: new AbortController().signal, logger: silentLogger };
    await handler.handle(submitted, ctx);
    await handler.onExhausted?.(submitted, new Error("late failure"), ctx);
    expect((await h.events(submitted.event.requestId)).map((e) => e.type)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
    ]);
    expect(h.hf.requests).toHaveLength(1);
  });

  it("shares 20 requests between two instances, each captioned exactly once", async () => {
    const config = h.configWith({ HANDLER_CONCURRENCY: 2 });
    const one = { n: 0 };
    const two = { n: 0 };
    await start(config, h.store, one);
    await start(config, await h.openPeerStore(), two);
    h.hf.setDefault("imageToText", { json: { generated_text: FAKE_CAPTION }, delayMs: 30 });
    const submitted = await Promise.all(Array.from({ length: 20 }, () => h.submit()));
    for (const s of submitted) await h.waitForEvent(s.event.requestId, "CaptionProduced");
    for (const s of submitted) {
      const types = (await h.events(s.event.requestId)).map((e) => e.type);
      expect(types).toEqual(["ImageSubmitted", "CaptionProduced"]);
    }
    expect(one.n + two.n).toBe(20);
    expect(one.n).toBeGreaterThan(0);
    expect(two.n).toBeGreaterThan(0);
  });

  it("runs the stage again on RetryRequested after a failure, and succeeds", async () => {
    h.hf.enqueue("imageToText", { status: 400, json: { error: "bad image" } });
    await start();
    const { event: submitted } = await h.submit();
    await h.waitForEvent(submitted.requestId, "CaptionFailed");
    const retry = await requestRetry(h.store, submitted.requestId, { requestedBy: "test" });
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");
    expect(produced.metadata.causationId).toBe(retry.id);
    expect(await h.state(submitted.requestId)).toMatchObject({
      status: "captioned",
      error: null,
      retries: { caption: 1 },
    });
    expect(h.hf.requests).toHaveLength(2);
  });

  it("labels events from the offline provider plainly", async () => {
    await start(h.configWith({ HF_TOKEN: undefined, HF_CAPTION_ENDPOINT_URL: undefined }));
    const { event: submitted } = await h.submit();
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");
    expect(produced.data).toMatchObject({ provider: "offline", model: "offline-caption-v1" });
    expect(produced.data.caption).toMatch(/landscape 96×64 photo/);
    expect(h.hf.requests).toHaveLength(0);
  });

  it("hands the message back on shutdown, aborting the HF call", async () => {
    h.hf.enqueue("imageToText", { json: { generated_text: "never seen" }, delayMs: 10_000 });
    const instance = await start(h.configWith({ SHUTDOWN_GRACE_MS: 100 }));
    const { event: submitted } = await h.submit();
    await waitFor(() => h.hf.requests.length === 1);
    await instance.stop();
    expect(await h.events(submitted.requestId)).toHaveLength(1);
    await start();
    const produced = await h.waitForEvent(submitted.requestId, "CaptionProduced");
    expect(produced.data.caption).toBe(FAKE_CAPTION);
  });
});
