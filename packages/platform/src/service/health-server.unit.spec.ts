import { describe, expect, it } from "vitest";
import { healthApp } from "./health-server";

describe("healthApp", () => {
  it("is alive regardless of dependencies", async () => {
    const app = healthApp(() => ({ checks: { nats: () => Promise.reject(new Error("down")) } }));
    expect((await app.request("/healthz")).status).toBe(200);
  });

  it("is ready only when every check passes, and names what failed", async () => {
    const app = healthApp(() => ({
      checks: { nats: async () => undefined, db: () => Promise.reject(new Error("connection refused")) },
    }));
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "not ready",
      checks: { nats: "ok", db: "connection refused" },
    });
    const ok = healthApp(() => ({ checks: { nats: async () => undefined } }));
    expect((await ok.request("/readyz")).status).toBe(200);
  });

  it("fails a check that does not answer in time", async () => {
    const app = healthApp(() => ({ checks: { slow: () => new Promise(() => undefined) } }), 50);
    const res = await app.request("/readyz");
    expect(await res.json()).toEqual({ status: "not ready", checks: { slow: "no answer in 50 ms" } });
  });

  it("adds the details to the readiness body, and leaves them out when they fail", async () => {
    const app = healthApp(() => ({
      checks: { nats: async () => undefined },
      details: async () => ({ projection: { lag: 3 } }),
    }));
    expect(await (await app.request("/readyz")).json()).toEqual({
      status: "ready",
      checks: { nats: "ok" },
      projection: { lag: 3 },
    });
    const failing = healthApp(() => ({
      checks: { nats: async () => undefined },
      details: () => Promise.reject(new Error("x")),
    }));
    expect(await (await failing.request("/readyz")).json()).toEqual({
      status: "ready",
      checks: { nats: "ok" },
    });
  });
});
