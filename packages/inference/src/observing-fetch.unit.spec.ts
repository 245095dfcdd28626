import { describe, expect, it } from "vitest";
import { createObservingFetch } from "./observing-fetch";

const signal = new AbortController().signal;
const respond =
  (response: Response): typeof fetch =>
  async () =>
    response;

describe("createObservingFetch", () => {
  it("records status, Retry-After and the 503 body's estimated_time, leaving the body readable", async () => {
    const observed = createObservingFetch({
      signal,
      baseFetch: respond(
        Response.json(
          { error: "Model x is currently loading", estimated_time: 2.5 },
          {
            status: 503,
            headers: { "retry-after": "9" },
          },
        ),
      ),
    });
    const res = await observed.fetch("http://x");
    expect(await res.json()).toEqual({ error: "Model x is currently loading", estimated_time: 2.5 });
    expect(observed.last()).toEqual({
      status: 503,
      retryAfterMs: 9_000,
      estimatedTimeMs: 2_500,
      errorMessage: "Model x is currently loading",
      servedBy: null,
    });
  });

  it("records which provider the HF router says served the call", async () => {
    const observed = createObservingFetch({
      signal,
      baseFetch: respond(Response.json({ choices: [] }, { headers: { "x-inference-provider": "together" } })),
    });
    await observed.fetch("http://x");
    expect(observed.last()?.servedBy).toBe("together");
  });

  it("reads OpenAI-style error messages", async () => {
    const observed = createObservingFetch({
      signal,
      baseFetch: respond(Response.json({ error: { message: "context too long" } }, { status: 400 })),
    });
    await observed.fetch("http://x");
    expect(observed.last()?.errorMessage).toBe("context too long");
  });

  it("adds the call's signal when the client sent none, keeps the client's otherwise", async () => {
    const seen: (AbortSignal | null | undefined)[] = [];
    const observed = createObservingFetch({
      signal,
      baseFetch: async (_input, init) => {
        seen.push(init?.signal);
        return new Response("ok");
      },
    });
    const own = new AbortController().signal;
    await observed.fetch("http://x");
    await observed.fetch("http://x", { signal: own });
    expect(seen).toEqual([signal, own]);
  });

  it("unwraps a [{generated_text}] list only when asked", async () => {
    const list = () => Response.json([{ generated_text: "a cat" }]);
    const unwrapping = createObservingFetch({
      signal,
      unwrapGeneratedTextList: true,
      baseFetch: async () => list(),
    });
    expect(await (await unwrapping.fetch("http://x")).json()).toEqual({ generated_text: "a cat" });
    const plain = createObservingFetch({ signal, baseFetch: async () => list() });
    expect(await (await plain.fetch("http://x")).json()).toEqual([{ generated_text: "a cat" }]);
  });
});
