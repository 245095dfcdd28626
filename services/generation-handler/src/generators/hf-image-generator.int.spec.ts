import { AiError } from "@reimagine/inference";
import { type FakeHfServer, modelLoadingResponse, startFakeHfServer } from "@reimagine/testing";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHfImageGenerator, type HfImageGeneratorOptions } from "./hf-image-generator";

const TOKEN = "hf_generationtoken42";
let server: FakeHfServer;

beforeAll(async () => {
  server = await startFakeHfServer({ token: TOKEN });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const signal = () => new AbortController().signal;

function generator(overrides: Partial<HfImageGeneratorOptions> = {}) {
  return createHfImageGenerator({
    token: TOKEN,
    provider: "auto",
    endpointUrl: server.endpoints.textToImage,
    timeoutMs: 5_000,
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

describe("HF image generator, textToImage via an endpoint URL", () => {
  it("posts {inputs, parameters} as JSON with the bearer token and returns a checked image", async () => {
    const result = await generator({ parameters: { width: 1024, height: 768 } }).generate("a red bicycle", {
      signal: signal(),
    });

    expect(result).toMatchObject({
      contentType: "image/png",
      width: 64,
      height: 48,
      model: "black-forest-labs/FLUX.1-schnell",
      provider: "endpoint",
    });
    expect((await sharp(result.bytes).metadata()).format).toBe("png");
    const [req] = server.requestsFor("textToImage");
    expect(server.requests).toHaveLength(1);
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.json).toEqual({ inputs: "a red bicycle", parameters: { width: 1024, height: 768 } });
  });

  it("without parameters sends just the prompt", async () => {
    await generator().generate("a blue kite", { signal: signal() });
    expect(server.requests[0]?.json).toEqual({ inputs: "a blue kite" });
  });

  it("reads the real type from the bytes, whatever the header says", async () => {
    const jpeg = await sharp({ create: { width: 20, height: 10, channels: 3, background: "#123456" } })
      .jpeg()
      .toBuffer();
    server.enqueue("textToImage", { bytes: jpeg, headers: { "content-type": "image/png" } });
    const result = await generator().generate("x", { signal: signal() });
    expect(result).toMatchObject({ contentType: "image/jpeg", width: 20, height: 10 });
  });

  it("a non-image body is a permanent failure", async () => {
    server.enqueue("textToImage", { text: "<html>oops</html>", headers: { "content-type": "text/html" } });
    const err = await failure(generator().generate("a cat", { signal: signal() }));
    expect(err).toMatchObject({ retryable: false, code: "AI_CALL_FAILED" });
    expect(err.reason).toMatch(/non-image body \(text\/html/);
  });

  it("a body with image magic but no valid header is a permanent failure", async () => {
    server.enqueue("textToImage", {
      bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    });
    const err = await failure(generator().generate("a cat", { signal: signal() }));
    expect(err).toMatchObject({ retryable: false });
    expect(err.reason).toMatch(/undecodable image/);
  });

  it("503 loading is retryable after estimated_time and sent once", async () => {
    server.enqueue("textToImage", modelLoadingResponse(30));
    const err = await failure(generator().generate("a cat", { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, httpStatus: 503, retryAfterMs: 30_000 });
    expect(server.requests).toHaveLength(1);
  });

  it("429 is retryable after Retry-After", async () => {
    server.enqueue("textToImage", {
      status: 429,
      json: { error: "Too many requests" },
      headers: { "retry-after": "11" },
    });
    const err = await failure(generator().generate("a cat", { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, httpStatus: 429, retryAfterMs: 11_000 });
  });

  it("502 and 500 are retryable", async () => {
    server.enqueue("textToImage", {
      status: 502,
      text: "bad gateway",
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
    expect(await failure(generator().generate("a cat", { signal: signal() }))).toMatchObject({
      retryable: true,
      httpStatus: 502,
    });
    server.enqueue("textToImage", { status: 500, json: { error: "internal" } });
    expect(await failure(generator().generate("a cat", { signal: signal() }))).toMatchObject({
      retryable: true,
      httpStatus: 500,
    });
  });

  it("401 is permanent", async () => {
    const err = await failure(
      generator({ token: "hf_notthetoken000" }).generate("a cat", { signal: signal() }),
    );
    expect(err).toMatchObject({ retryable: false, httpStatus: 401 });
  });

  it("a response slower than the timeout is a retryable timeout, sent exactly once", async () => {
    server.enqueue("textToImage", { delayMs: 3_000, json: { error: "never seen" } });
    const err = await failure(generator({ timeoutMs: 150 }).generate("a cat", { signal: signal() }));
    expect(err).toMatchObject({ retryable: true, code: "AI_CALL_FAILED", reason: "timed out after 150 ms" });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(1);
  });

  it("the caller's abort is AI_CALL_ABORTED", async () => {
    server.enqueue("textToImage", { delayMs: 3_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("shutting down")), 80);
    const err = await failure(generator().generate("a cat", { signal: controller.signal }));
    expect(err).toMatchObject({ code: "AI_CALL_ABORTED", retryable: true });
  });
});

describe("HF image generator through the HF router (no endpoint URL)", () => {
  it("looks up the provider mapping and posts to the router, both with a signal", async () => {
    const seen: { url: string; hasSignal: boolean }[] = [];
    const routerFetch: typeof fetch = async (input, init) => {
      const url = String(input);
      seen.push({ url, hasSignal: init?.signal instanceof AbortSignal });
      if (url.startsWith("https://huggingface.co/api/models/")) {
        return Response.json({
          inferenceProviderMapping: {
            "hf-inference": {
              providerId: "black-forest-labs/FLUX.1-schnell",
              status: "live",
              task: "text-to-image",
            },
          },
        });
      }
      return fetch(server.endpoints.textToImage, init);
    };
    const result = await generator({
      endpointUrl: undefined,
      provider: "hf-inference",
      fetch: routerFetch,
    }).generate("a cat", { signal: signal() });

    expect(result.provider).toBe("huggingface:hf-inference");
    expect(seen).toEqual([
      {
        url: "https://huggingface.co/api/models/black-forest-labs/FLUX.1-schnell?expand[]=inferenceProviderMapping",
        hasSignal: true,
      },
      {
        url: "https://router.huggingface.co/hf-inference/models/black-forest-labs/FLUX.1-schnell",
        hasSignal: true,
      },
    ]);
    expect(server.requests[0]?.json).toEqual({ inputs: "a cat" });
  });
});
