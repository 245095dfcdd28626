import { makeJpeg } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";

let api: TestApi;
let behindProxy: TestApi;
let jpeg: Buffer;

beforeAll(async () => {
  api = await openTestApi({ config: { RATE_LIMIT_PER_MINUTE: 2 } });
  behindProxy = await openTestApi({ s3: api.s3, config: { RATE_LIMIT_PER_MINUTE: 1, TRUST_PROXY: true } });
  jpeg = await makeJpeg(16, 16);
});
afterAll(async () => {
  await behindProxy.cleanup();
  await api.cleanup();
});

/** A POST as if from a socket at `address` (what @hono/node-server passes as env). */
const postFrom = (target: TestApi, address: string, headers: Record<string, string> = {}) =>
  target.app.request("/api/v1/register", { method: "POST", body: submissionForm({ image: jpeg }), headers }, {
    incoming: { socket: { remoteAddress: address } },
  } as never);

describe("rate limit", () => {
  it("answers 429 with Retry-After past RATE_LIMIT_PER_MINUTE per address, storing nothing", async () => {
    expect((await postFrom(api, "10.0.0.1")).status).toBe(202);
    const second = await postFrom(api, "10.0.0.1");
    expect(second.status).toBe(202);
    expect(second.headers.get("ratelimit-remaining")).toBe("0");

    const third = await postFrom(api, "10.0.0.1");
    expect(third.status).toBe(429);
    expect(third.headers.get("content-type")).toBe("application/problem+json");
    const retryAfter = Number(third.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await third.json()).toMatchObject({ status: 429, title: "Too many requests" });
    expect(await api.events()).toHaveLength(2);
    expect(await api.objects(api.buckets.originals)).toHaveLength(2);

    // Another address has its own allowance; reads are never limited.
    expect((await postFrom(api, "10.0.0.2")).status).toBe(202);
    expect((await api.app.request("/healthz")).status).toBe(200);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY is set", async () => {
    expect((await postFrom(api, "10.0.0.3", { "x-forwarded-for": "1.1.1.1" })).status).toBe(202);
    expect((await postFrom(api, "10.0.0.3", { "x-forwarded-for": "2.2.2.2" })).status).toBe(202);
    expect((await postFrom(api, "10.0.0.3", { "x-forwarded-for": "3.3.3.3" })).status).toBe(429);
  });

  it("keys clients by the address the trusted proxy saw when TRUST_PROXY is set", async () => {
    const proxy = "172.16.0.1";
    expect((await postFrom(behindProxy, proxy, { "x-forwarded-for": "9.9.9.9, 1.1.1.1" })).status).toBe(202);
    // A client forging an earlier hop does not get a fresh allowance.
    expect((await postFrom(behindProxy, proxy, { "x-forwarded-for": "8.8.8.8, 1.1.1.1" })).status).toBe(429);
    expect((await postFrom(behindProxy, proxy, { "x-forwarded-for": "2.2.2.2" })).status).toBe(202);
  });
});
