import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_CAPTION, type FakeHfServer, startFakeHfServer } from "./fake-hf-server";

let server: FakeHfServer;

beforeAll(async () => {
  server = await startFakeHfServer({ token: "hf_fake" });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const post = (url: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body, headers: { authorization: "Bearer hf_fake", ...headers } });

describe("fake HF server", () => {
  it("listens on a random 127.0.0.1 port", () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers each route with its default and records the request", async () => {
    const caption = await post(server.endpoints.imageToText, new Uint8Array([1, 2, 3]), {
      "content-type": "image/png",
    });
    expect(await caption.json()).toEqual({ generated_text: FAKE_CAPTION });

    const image = await post(server.endpoints.textToImage, JSON.stringify({ inputs: "x" }), {
      "content-type": "application/json",
    });
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");

    const chat = await post(
      `${server.endpoints.chatCompletion}/v1/chat/completions`,
      JSON.stringify({ messages: [] }),
      {
        "content-type": "application/json",
      },
    );
    expect(((await chat.json()) as { object: string }).object).toBe("chat.completion");

    expect(server.requests.map((r) => r.route)).toEqual(["imageToText", "textToImage", "chatCompletion"]);
    expect(server.requestsFor("imageToText")[0]?.body).toEqual(Buffer.from([1, 2, 3]));
    expect(server.requestsFor("textToImage")[0]?.json).toEqual({ inputs: "x" });
  });

  it("serves queued responses in order, then the default", async () => {
    server.enqueue(
      "imageToText",
      { status: 503, json: { error: "loading", estimated_time: 5 }, headers: { "Retry-After": "5" } },
      { text: "plain" },
    );
    const first = await post(server.endpoints.imageToText, "x");
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("5");
    expect(await first.json()).toEqual({ error: "loading", estimated_time: 5 });
    expect(await (await post(server.endpoints.imageToText, "x")).text()).toBe("plain");
    expect(await (await post(server.endpoints.imageToText, "x")).json()).toEqual({
      generated_text: FAKE_CAPTION,
    });
  });

  it("setDefault changes a route until reset", async () => {
    server.setDefault("imageToText", { json: { generated_text: "changed" } });
    expect(await (await post(server.endpoints.imageToText, "x")).json()).toEqual({
      generated_text: "changed",
    });
    server.reset();
    expect(await (await post(server.endpoints.imageToText, "x")).json()).toEqual({
      generated_text: FAKE_CAPTION,
    });
  });

  it("rejects a wrong token with HF's 401 and unknown paths with 404, recording both", async () => {
    const denied = await fetch(server.endpoints.imageToText, {
      method: "POST",
      body: "x",
      headers: { authorization: "Bearer nope" },
    });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: "Invalid credentials in Authorization header" });
    expect((await post(`${server.baseUrl}/elsewhere`, "x")).status).toBe(404);
    expect(server.requests.map((r) => r.route)).toEqual(["imageToText", null]);
  });

  it("holds a response back for delayMs", async () => {
    server.enqueue("imageToText", { delayMs: 150 });
    const started = Date.now();
    await post(server.endpoints.imageToText, "x");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("closes promptly with a delayed response pending", async () => {
    const other = await startFakeHfServer();
    other.enqueue("imageToText", { delayMs: 10_000 });
    const pending = fetch(other.endpoints.imageToText, { method: "POST", body: "x" }).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
