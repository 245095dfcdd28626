import { createHash } from "node:crypto";
import type { LeaseRecord } from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { IdempotencyKeyReusedError, IdempotencyStoreUnavailableError } from "./errors";
import { createInMemoryIdempotencyStore, type IdempotencyData } from "./idempotency-store";
import { type IdempotencyOptions, withIdempotency } from "./with-idempotency";

const HASH = "a".repeat(64);
const REQUEST_ID = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";
const SCOPE = "nina@example.com";
const keyOf = (clientKey: string, scope = SCOPE) =>
  createHash("sha256").update(`${scope}\n${clientKey}`).digest("hex");
const TOKEN = "h".repeat(43);
const heldBy = (owner: string, at = new Date()): LeaseRecord<IdempotencyData> => ({
  state: "held",
  owner,
  at: at.toISOString(),
  data: { requestId: REQUEST_ID, bodyHash: HASH, cancelToken: TOKEN },
  takeover: false,
});

/** A fake "submit": records each attempt's request id; `recorded` plays the event log. */
function harness(overrides: Partial<IdempotencyOptions> & { now?: () => number } = {}) {
  const store = createInMemoryIdempotencyStore({ now: overrides.now });
  const recorded = new Set<string>();
  const attempts: string[] = [];
  let failNext = 0;
  const tokens: string[] = [];
  const attempt = async (requestId: string, cancelToken: string) => {
    attempts.push(requestId);
    tokens.push(cancelToken);
    if (failNext > 0) {
      failNext -= 1;
      throw new Error("append failed");
    }
    recorded.add(requestId);
  };
  const options: IdempotencyOptions = {
    store,
    leaseMs: 30_000,
    owner: "api-1",
    scope: SCOPE,
    logger: silentLogger,
    exists: async (id) => recorded.has(id),
    ...overrides,
  };
  return {
    store,
    recorded,
    attempts,
    tokens,
    failNextAttempt: () => {
      failNext += 1;
    },
    run: (clientKey: string, bodyHash = HASH, owner = "api-1", scope = SCOPE) =>
      withIdempotency(clientKey, bodyHash, attempt, { ...options, owner, scope }),
  };
}

describe("withIdempotency", () => {
  it("runs the first attempt under a new UUIDv7 and replays it afterwards", async () => {
    const h = harness();
    const first = await h.run("k");
    expect(first.replayed).toBe(false);
    expect(first.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(first.cancelToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await h.run("k")).toEqual({
      requestId: first.requestId,
      replayed: true,
      cancelToken: first.cancelToken,
    });
    expect(h.attempts).toEqual([first.requestId]);
    expect(h.tokens).toEqual([first.cancelToken]);
    expect(h.store.peek(keyOf("k"))?.value.state).toBe("done");
  });

  it("refuses the key with another body, whatever state it is in, without naming the request", async () => {
    const h = harness();
    const { requestId } = await h.run("k");
    const refusal = await h.run("k", "b".repeat(64)).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(refusal).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(refusal?.message).not.toContain(requestId);
    await h.store.create(keyOf("held"), heldBy("api-2"));
    await expect(h.run("held", "b".repeat(64))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it("keeps keys apart by scope: the same key in another scope is another key", async () => {
    const h = harness();
    const nina = await h.run("k");
    const bob = await h.run("k", "b".repeat(64), "api-1", "bob@example.com");
    expect(bob).toMatchObject({ replayed: false });
    expect(bob.requestId).not.toBe(nina.requestId);
    const carol = await h.run("k", HASH, "api-1", "carol@example.com");
    expect(carol.replayed).toBe(false);
    expect(carol.requestId).not.toBe(nina.requestId);
  });

  it("marks a failed attempt and lets the next one retry under the same request id", async () => {
    const h = harness();
    h.failNextAttempt();
    await expect(h.run("k")).rejects.toThrow("append failed");
    const failed = h.store.peek(keyOf("k"))?.value;
    expect(failed).toMatchObject({ state: "failed", reason: "append failed" });
    const retry = await h.run("k");
    expect(retry).toEqual({
      requestId: failed?.data.requestId,
      replayed: false,
      cancelToken: failed?.data.cancelToken,
    });
    expect(h.attempts).toEqual([retry.requestId, retry.requestId]);
    // the retry records with the token whose hash the first attempt may already have stored
    expect(h.tokens).toEqual([retry.cancelToken, retry.cancelToken]);
  });

  it("lets one of many concurrent requests run and answers the others with its id", async () => {
    const h = harness();
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => h.run("k", HASH, `api-${i}`)));
    expect(new Set(outcomes.map((o) => o.requestId)).size).toBe(1);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(h.attempts).toHaveLength(1);
  });

  it("answers at once for a key left held by an attempt that recorded and then died", async () => {
    const h = harness();
    await h.store.create(keyOf("k"), heldBy("api-2"));
    h.recorded.add(REQUEST_ID);
    expect(await h.run("k")).toEqual({ requestId: REQUEST_ID, replayed: true, cancelToken: TOKEN });
    expect(h.attempts).toEqual([]);
  });

  it("takes over a key whose holder died before recording, once it has been silent a whole lease", async () => {
    let now = Date.parse("2026-06-01T12:00:00.000Z");
    const h = harness({ now: () => now, leaseMs: 1000 });
    await h.store.create(keyOf("k"), heldBy("api-2", new Date(now)));
    now += 1000;
    expect(await h.run("k")).toEqual({
      requestId: REQUEST_ID,
      replayed: false,
      cancelToken: expect.any(String),
    });
    expect(h.attempts).toEqual([REQUEST_ID]);
  });

  it("waits on a live holder and answers with its outcome when it settles", async () => {
    const h = harness({ leaseMs: 60_000 });
    const revision = (await h.store.create(keyOf("k"), heldBy("api-2")))!;
    const waiting = h.run("k");
    h.recorded.add(REQUEST_ID);
    const done = {
      ...heldBy("api-2"),
      state: "done",
      data: { ...heldBy("api-2").data, cancelToken: "t".repeat(43) },
    };
    await h.store.update(keyOf("k"), done as never, revision);
    expect(await waiting).toEqual({ requestId: REQUEST_ID, replayed: true, cancelToken: expect.any(String) });
    expect(h.attempts).toEqual([]);
  });

  it("reports a store that cannot be read as unavailable, never guessing", async () => {
    const h = harness();
    h.store.get = async () => {
      throw new Error("nats down");
    };
    await expect(h.run("k")).rejects.toBeInstanceOf(IdempotencyStoreUnavailableError);
    expect(h.attempts).toEqual([]);
  });
});
