import { type Context, Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../app/app-env";
import { clientAddress } from "./client-address";
import { idempotencyKeyOf } from "./idempotency-key";
import { ProblemError } from "./problem-error";
import { publicBaseUrl } from "./public-base-url";

/** Runs `probe` inside a real Hono context for a request to `url`. */
async function inContext<T>(
  probe: (c: Context<AppEnv>) => T,
  init: { url?: string; headers?: Record<string, string>; remoteAddress?: string } = {},
): Promise<T> {
  let result: T | undefined;
  const app = new Hono<AppEnv>().get("*", (c) => {
    result = probe(c);
    return c.text("ok");
  });
  const env = init.remoteAddress
    ? { incoming: { socket: { remoteAddress: init.remoteAddress } } }
    : undefined;
  await app.request(init.url ?? "http://api.test/x", { headers: init.headers }, env as never);
  return result as T;
}

describe("clientAddress", () => {
  it("is the socket's address, whatever X-Forwarded-For says, unless the proxy is trusted", async () => {
    const init = { remoteAddress: "10.0.0.9", headers: { "x-forwarded-for": "1.2.3.4, 5.6.7.8" } };
    expect(await inContext((c) => clientAddress(c, false), init)).toBe("10.0.0.9");
    expect(await inContext((c) => clientAddress(c, true), init)).toBe("5.6.7.8");
    expect(await inContext((c) => clientAddress(c, true), { remoteAddress: "10.0.0.9" })).toBe("10.0.0.9");
  });

  it("is 'unknown' without a socket (app.request in tests)", async () => {
    expect(await inContext((c) => clientAddress(c, false))).toBe("unknown");
  });
});

describe("publicBaseUrl", () => {
  const config = { PUBLIC_BASE_URL: undefined, TRUST_PROXY: false, PORT: 3000 };
  it("prefers PUBLIC_BASE_URL, without a trailing slash", async () => {
    const base = await inContext((c) =>
      publicBaseUrl(c, { ...config, PUBLIC_BASE_URL: "https://r.example/" }),
    );
    expect(base).toBe("https://r.example");
  });

  it("else http://localhost:$PORT, never the request's Host; forwarded headers only from a trusted proxy", async () => {
    const init = {
      url: "http://evil.example/x",
      headers: { "x-forwarded-proto": "https", "x-forwarded-host": "reimagine.example" },
    };
    expect(await inContext((c) => publicBaseUrl(c, config), init)).toBe("http://localhost:3000");
    expect(await inContext((c) => publicBaseUrl(c, { ...config, TRUST_PROXY: true }), init)).toBe(
      "https://reimagine.example",
    );
  });
});

describe("idempotencyKeyOf", () => {
  it("is null without the header and the key itself when valid", () => {
    expect(idempotencyKeyOf(undefined)).toBeNull();
    expect(idempotencyKeyOf("a")).toBe("a");
    expect(idempotencyKeyOf("~".repeat(200))).toBe("~".repeat(200));
    expect(idempotencyKeyOf("order:42/retry=1")).toBe("order:42/retry=1");
  });

  it.each([
    ["empty", ""],
    ["201 characters", "k".repeat(201)],
    ["a space", "a b"],
    ["a tab", "a\tb"],
    ["non-ASCII", "clé"],
    ["a control character", "a\u0001b"],
  ])("refuses %s with a 400 problem", (_, value) => {
    expect(() => idempotencyKeyOf(value)).toThrowError(ProblemError);
    try {
      idempotencyKeyOf(value);
    } catch (err) {
      expect((err as ProblemError).code).toBe("invalid-idempotency-key");
    }
  });
});
