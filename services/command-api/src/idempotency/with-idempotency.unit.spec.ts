import { createHash } from "node:crypto";
import { silentLogger } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { IdempotencyKeyReusedError } from "./errors";
import { InMemoryIdempotencyStore } from "./in-memory-idempotency-store";
import { type IdempotencyOptions, withIdempotency } from "./with-idempotency";

const HASH = "a".repeat(64);
const keyOf = (clientKey: string) => createHash("sha256").update(clientKey).digest("hex");

/** A fake "register": records each attempt's request id; `registered` plays the event log. */
function harness(overrides: Partial<IdempotencyOptions> = {}) {
  const store = new InMemoryIdempotencyStore();
  const registered = new Set<string>();
  const attempts: string[] = [];
  let failNext = 0;
  const attempt = async (requestId: string) => {
    attempts.push(requestId);
    if (failNext > 0) {
      failNext -= 1;
      throw new Error("append failed");
    }
    registered.add(requestId);
  };
  const options: IdempotencyOptions = {
    store,
    leaseMs: 30_000,
    logger: silentLogger,
    exists: async (id) => registered.has(id),
    ...overrides,
  };
  return {
    store,
    registered,
    attempts,
    failNextAttempt: () => {
      failNext += 1;
    },
    run: (clientKey: string, bodyHash = HASH) => withIdempotency(clientKey, bodyHash, attempt, options),
  };
}

describe("withIdempotency", () => {
  it("runs the first attempt under a new UUIDv7 and replays it afterwards", async () => {
    const h = harness();
    const first = await h.run("k");
    expect(first.replayed).toBe(false);
    expect(first.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(await h.run("k")).toEqual({ requestId: first.requestId, replayed: true });
    expect(h.attempts).toEqual([first.requestId]);
    expect((await h.store.get(keyOf("k")))?.record.state).toBe("done");
  });

  it("refuses the key with another body", async () => {
    const h = harness();
    await h.run("k");
    await expect(h.run("k", "b".repeat(64))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it("marks a failed attempt and lets the next one retry under the same request id", async () => {
    const h = harness();
    h.failNextAttempt();
    await expect(h.run("k")).rejects.toThrow("append failed");
    const claim = await h.store.get(keyOf("k"));
    expect(claim?.record.state).toBe("failed");
    const retry = await h.run("k");
    expect(retry).toEqual({ requestId: claim?.record.requestId, replayed: false });
    expect(h.attempts).toEqual([retry.requestId, retry.requestId]);
  });

  it("lets one of many concurrent requests run and answers the others with its id", async () => {
    const h = harness();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => h.run("k")));
    expect(new Set(outcomes.map((o) => o.requestId)).size).toBe(1);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(h.attempts).toHaveLength(1);
  });

  it("answers at once for a claim left pending by an attempt that registered and then died", async () => {
    const h = harness();
    const requestId = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";
    await h.store.create(keyOf("k"), {
      requestId,
      bodyHash: HASH,
      state: "pending",
      at: new Date().toISOString(),
    });
    h.registered.add(requestId);
    expect(await h.run("k")).toEqual({ requestId, replayed: true });
    expect(h.attempts).toEqual([]);
  });

  it("takes over a claim whose holder died before registering, once its lease is over", async () => {
    let now = Date.parse("2025-06-01T12:00:00.000Z");
    const h = harness({ now: () => now, leaseMs: 1000 });
    const requestId = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";
    await h.store.create(keyOf("k"), {
      requestId,
      bodyHash: HASH,
      state: "pending",
      at: new Date(now).toISOString(),
    });
    now += 1000;
    expect(await h.run("k")).toEqual({ requestId, replayed: false });
    expect(h.attempts).toEqual([requestId]);
  });

  it("waits on a live claim and answers with its outcome when it settles", async () => {
    const h = harness({ leaseMs: 60_000 });
    const requestId = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";
    const revision = (await h.store.create(keyOf("k"), {
      requestId,
      bodyHash: HASH,
      state: "pending",
      at: new Date().toISOString(),
    }))!;
    const waiting = h.run("k");
    h.registered.add(requestId);
    await h.store.update(
      keyOf("k"),
      { requestId, bodyHash: HASH, state: "done", at: new Date().toISOString() },
      revision,
    );
    expect(await waiting).toEqual({ requestId, replayed: true });
    expect(h.attempts).toEqual([]);
  });
});
