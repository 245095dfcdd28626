import { inspectImage } from "@reimagine/command-api";
import { causedBy, newEvent } from "@reimagine/contracts";
import type { JetStreamEventStore } from "@reimagine/eventstore";
import { requestRetry } from "@reimagine/operations";
import type { Config } from "@reimagine/platform";
import { silentLogger } from "@reimagine/platform";
import {
  countCalls,
  fakePng,
  modelLoadingResponse,
  openStageHarness,
  type StageHarness,
  waitFor,
} from "@reimagine/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGenerationHandler, startGenerationHandler } from "./generation-handler";
import { createImageGenerator } from "./generators/create-image-generator";

let h: StageHarness;
beforeEach(async () => {
  h = await openStageHarness();
});
afterEach(() => h.cleanup());

/** Starts an instance as the service does, with the HF generator on the fake server unless told. */
async function start(config: Config = h.config, store: JetStreamEventStore = h.store, calls?: { n: number }) {
  const generator = createImageGenerator(config);
  const counted = calls ? countCalls(generator, "generate", calls) : generator;
  return h.track(
    await startGenerationHandler({ store, blobs: h.blobs, generator: counted, config, logger: silentLogger }),
  );
}

const elapsedMs = (from: { occurredAt: string }, to: { occurredAt: string }) =>
  Date.parse(to.occurredAt) - Date.parse(from.occurredAt);

describe("generation-handler on NATS, s3rver and the HF wire format", () => {
  it("generates from the caption, stores the image and records ImageGenerated", async () => {
    await start();
    const { event: captioned } = await h.submitCaptioned("a lighthouse at dusk");
    const generated = await h.waitForEvent(captioned.requestId, "ImageGenerated");
    const png = await fakePng();
    expect(generated.data).toEqual({
      imageKey: `${captioned.requestId}/generated-0.png`,
      contentType: "image/png",
      bytes: png.length,
      width: 64,
      height: 48,
      model: h.config.HF_GENERATION_MODEL,
      provider: "endpoint",
      latencyMs: generated.data.latencyMs,
    });
    expect(generated.metadata).toMatchObject({
      correlationId: captioned.metadata.correlationId,
      causationId: captioned.id,
    });
    expect(h.hf.requestsFor("textToImage")[0]?.json).toEqual({ inputs: "a lighthouse at dusk" });
    const stored = await h.blobs.getBuffer(h.config.S3_BUCKET_GENERATED, generated.data.imageKey);
    expect(stored.equals(png)).toBe(true);
    expect(await h.blobs.stat(h.config.S3_BUCKET_GENERATED, generated.data.imageKey)).toEqual({
      contentType: "image/png",
      size: png.length,
    });
    expect(await h.state(captioned.requestId)).toMatchObject({
      status: "generated",
      generatedImageKey: generated.data.imageKey,
      generationProvider: "endpoint",
    });
  });

  it("generates from the prompt template with the configured size, steps, guidance, seed and negative prompt", async () => {
    await start(
      h.configWith({
        GENERATION_PROMPT_TEMPLATE: "an oil painting of {caption}, warm light",
        HF_GENERATION_WIDTH: 768,
        HF_GENERATION_HEIGHT: 512,
        HF_GENERATION_STEPS: 4,
        HF_GENERATION_GUIDANCE: 3.5,
        HF_GENERATION_SEED: 42,
        HF_GENERATION_NEGATIVE_PROMPT: "text, watermark",
      }),
    );
    const { event: captioned } = await h.submitCaptioned("a lighthouse at dusk");
    await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(h.hf.requestsFor("textToImage")[0]?.json).toEqual({
      inputs: "an oil painting of a lighthouse at dusk, warm light",
      parameters: {
        width: 768,
        height: 512,
        num_inference_steps: 4,
        guidance_scale: 3.5,
        seed: 42,
        negative_prompt: "text, watermark",
      },
    });
  });

  it("a truncated image from the model fails the stage at once: nothing is stored", async () => {
    const png = await fakePng(400, 300);
    h.hf.setDefault("textToImage", { bytes: png.subarray(0, Math.floor(png.length * 0.7)) });
    await start();
    const { event: captioned } = await h.submitCaptioned();
    const failed = await h.waitForEvent(captioned.requestId, "GenerationFailed");
    expect(failed.data).toMatchObject({ attempts: 1 });
    expect(failed.data.reason).toMatch(/undecodable image/);
    expect(h.hf.requestsFor("textToImage")).toHaveLength(1);
    expect(
      await h.blobs.stat(h.config.S3_BUCKET_GENERATED, `${captioned.requestId}/generated-0.png`),
    ).toBeNull();
  });

  it("waits out a loading model (503 with estimated_time), then generates", async () => {
    h.hf.enqueue("textToImage", modelLoadingResponse(0.6));
    await start();
    const { event: captioned } = await h.submitCaptioned();
    const generated = await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(h.hf.requestsFor("textToImage")).toHaveLength(2);
    expect(elapsedMs(captioned, generated)).toBeGreaterThanOrEqual(600);
  });

  it("honours Retry-After on a 429, then generates", async () => {
    h.hf.enqueue("textToImage", {
      status: 429,
      headers: { "retry-after": "1" },
      json: { error: "slow down" },
    });
    await start();
    const { event: captioned } = await h.submitCaptioned();
    const generated = await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(h.hf.requestsFor("textToImage")).toHaveLength(2);
    expect(elapsedMs(captioned, generated)).toBeGreaterThanOrEqual(1000);
  });

  it("records GenerationFailed with status and attempts when 500s outlast the attempts", async () => {
    h.hf.setDefault("textToImage", { status: 502, text: "Bad Gateway" });
    await start();
    const { event: captioned } = await h.submitCaptioned();
    const failed = await h.waitForEvent(captioned.requestId, "GenerationFailed");
    expect(failed.data).toEqual({
      reason: "server error (HTTP 502)",
      httpStatus: 502,
      attempts: 3,
      provider: "endpoint",
      category: "model-unavailable",
    });
    expect(h.hf.requestsFor("textToImage")).toHaveLength(3);
    expect(await h.state(captioned.requestId)).toMatchObject({
      status: "failed",
      error: { stage: "generation", attempts: 3 },
    });
  });

  it("fails at once on a 401: one HF request only", async () => {
    await start(h.configWith({ HF_TOKEN: "hf_notthetoken99" }));
    const { event: captioned } = await h.submitCaptioned();
    const failed = await h.waitForEvent(captioned.requestId, "GenerationFailed");
    expect(failed.data).toMatchObject({ httpStatus: 401, attempts: 1 });
    expect(h.hf.requests).toHaveLength(1);
  });

  it("retries a call that times out", async () => {
    h.hf.enqueue("textToImage", { bytes: await fakePng(8, 8), delayMs: 3000 });
    await start(h.configWith({ HF_TIMEOUT_MS: 700 }));
    const { event: captioned } = await h.submitCaptioned();
    const generated = await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(generated.data).toMatchObject({ width: 64, height: 48 });
    expect(h.hf.requestsFor("textToImage")).toHaveLength(2);
  });

  it("fails at once when the model answers with something that is not an image", async () => {
    h.hf.enqueue("textToImage", {
      json: { error: null, detail: "ok" },
      headers: { "content-type": "image/png" },
    });
    await start();
    const { event: captioned } = await h.submitCaptioned();
    const failed = await h.waitForEvent(captioned.requestId, "GenerationFailed");
    expect(failed.data).toMatchObject({ attempts: 1, httpStatus: null });
    expect(failed.data.reason).toMatch(/non-image body/);
    expect(h.hf.requests).toHaveLength(1);
    expect(
      await h.blobs.stat(h.config.S3_BUCKET_GENERATED, `${captioned.requestId}/generated-0.png`),
    ).toBeNull();
  });

  it("appends nothing for a redelivered CaptionProduced: generated once", async () => {
    await start();
    const captioned = await h.submitCaptioned();
    await h.waitForEvent(captioned.event.requestId, "ImageGenerated");
    const handler = createGenerationHandler({ ...h, generator: createImageGenerator(h.config) });
    const ctx = { attempt: 2, maxAttempts: 3, signal: new AbortController().signal, logger: silentLogger };
    await handler.handle(captioned, ctx);
    await handler.onExhausted?.(captioned, new Error("late failure"), ctx);
    expect((await h.events(captioned.event.requestId)).map((e) => e.type)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
      "ImageGenerated",
    ]);
    expect(h.hf.requests).toHaveLength(1);
  });

  it("shares 20 requests between two instances, each generated exactly once", async () => {
    const config = h.configWith({ HANDLER_CONCURRENCY: 2 });
    const one = { n: 0 };
    const two = { n: 0 };
    await start(config, h.store, one);
    await start(config, await h.openPeerStore(), two);
    h.hf.setDefault("textToImage", {
      bytes: await fakePng(),
      headers: { "content-type": "image/png" },
      delayMs: 30,
    });
    const captioned = await Promise.all(Array.from({ length: 20 }, () => h.submitCaptioned()));
    for (const c of captioned) await h.waitForEvent(c.event.requestId, "ImageGenerated");
    for (const c of captioned) {
      const types = (await h.events(c.event.requestId)).map((e) => e.type);
      expect(types).toEqual(["ImageSubmitted", "CaptionProduced", "ImageGenerated"]);
    }
    expect(h.hf.requestsFor("textToImage")).toHaveLength(20);
    expect(one.n + two.n).toBe(20);
    expect(one.n).toBeGreaterThan(0);
    expect(two.n).toBeGreaterThan(0);
  });

  it("runs the stage again on RetryRequested after a failure, storing the new run beside the old", async () => {
    h.hf.enqueue("textToImage", { status: 422, json: { error: "prompt rejected" } });
    await start();
    const { event: captioned } = await h.submitCaptioned();
    const failed = await h.waitForEvent(captioned.requestId, "GenerationFailed");
    expect(failed.data.reason).toBe("invalid input (HTTP 422): prompt rejected");
    await requestRetry(h.store, captioned.requestId, { requestedBy: "test" });
    const generated = await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(generated.data.imageKey).toBe(`${captioned.requestId}/generated-1.png`);
    expect(await h.state(captioned.requestId)).toMatchObject({
      status: "generated",
      retries: { generation: 1 },
    });
    expect(h.hf.requests).toHaveLength(2);
  });

  it("drops and deletes a result that an operator retry superseded while it was being made", async () => {
    const generator = createImageGenerator(h.config);
    let first = true;
    const racing = {
      ...generator,
      generate: async (prompt: string, opts: { signal: AbortSignal }) => {
        const image = await generator.generate(prompt, opts);
        if (first) {
          first = false;
          // meanwhile, this run was recorded as failed and an operator asked for another
          const [, caption] = await h.events(captioned.requestId);
          await h.store.append(
            captioned.requestId,
            [
              newEvent(
                "GenerationFailed",
                captioned.requestId,
                { reason: "slow", httpStatus: null, attempts: 1 },
                causedBy(caption!),
              ),
            ],
            "any",
          );
          await requestRetry(h.store, captioned.requestId, { requestedBy: "test" });
        }
        return image;
      },
    };
    h.track(await startGenerationHandler({ ...h, generator: racing, logger: silentLogger }));
    const { event: captioned } = await h.submitCaptioned();
    const generated = await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(generated.data.imageKey).toBe(`${captioned.requestId}/generated-1.png`);
    expect((await h.events(captioned.requestId)).filter((e) => e.type === "ImageGenerated")).toHaveLength(1);
    expect(
      await h.blobs.stat(h.config.S3_BUCKET_GENERATED, `${captioned.requestId}/generated-0.png`),
    ).toBeNull();
  });

  it("labels events from the offline provider plainly and stores its render", async () => {
    await start(h.configWith({ HF_TOKEN: undefined, HF_GENERATION_ENDPOINT_URL: undefined }));
    const { event: captioned } = await h.submitCaptioned("a quiet harbour");
    const generated = await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(generated.data).toMatchObject({
      provider: "offline",
      model: "offline-render-v1",
      contentType: "image/png",
      width: 512,
      height: 512,
    });
    const stored = await h.blobs.getBuffer(h.config.S3_BUCKET_GENERATED, generated.data.imageKey);
    expect(await inspectImage(stored, { maxPixels: 1e6 })).toMatchObject({
      format: "png",
      width: 512,
      height: 512,
    });
    expect(stored.length).toBe(generated.data.bytes);
    expect(h.hf.requests).toHaveLength(0);
  });

  it("hands the message back on shutdown, aborting the HF call", async () => {
    h.hf.enqueue("textToImage", { bytes: await fakePng(), delayMs: 10_000 });
    const instance = await start(h.configWith({ SHUTDOWN_GRACE_MS: 100 }));
    const { event: captioned } = await h.submitCaptioned();
    await waitFor(() => h.hf.requests.length === 1);
    await instance.stop();
    expect(await h.events(captioned.requestId)).toHaveLength(2);
    await start();
    await h.waitForEvent(captioned.requestId, "ImageGenerated");
    expect(h.hf.requests).toHaveLength(2);
  });
});
