import { createHash } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { silentLogger } from "@reimagine/platform";
import { openTestStore, type TestStore } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IdempotencyStoreUnavailableError } from "./errors";
import { type IdempotencyStore, idempotencyBucketName, openIdempotencyStore } from "./idempotency-store";
import { withIdempotency } from "./with-idempotency";

const HASH = "c".repeat(64);
const keyOf = (clientKey: string) => createHash("sha256").update(clientKey).digest("hex");

let nats: TestStore;
let store: IdempotencyStore;
const bucket = () => idempotencyBucketName(nats.layout.stream);

beforeAll(async () => {
  nats = await openTestStore();
  store = await openIdempotencyStore(nats.store, { IDEMPOTENCY_TTL_MS: 3_600_000, NATS_REPLICAS: 1 });
});
afterAll(async () => {
  const jsm = await jetstreamManager(nats.nc);
  await jsm.streams.delete(`KV_${bucket()}`).catch(() => undefined);
  await nats.cleanup();
});

/** Runs a request with the key against the real bucket; `recorded` plays the event log. */
function submit(clientKey: string, recorded: Set<string>, attempts: string[]) {
  return withIdempotency(
    clientKey,
    HASH,
    async (id) => {
      attempts.push(id);
      recorded.add(id);
    },
    {
      store,
      leaseMs: 30_000,
      owner: "api-test",
      scope: "nina@example.com",
      logger: silentLogger,
      exists: async (id) => recorded.has(id),
    },
  );
}

describe("Idempotency-Key bucket (real NATS KV)", () => {
  it("keeps its keys in a bucket named after the stream, one revision each, with the configured age limit", async () => {
    const jsm = await jetstreamManager(nats.nc);
    const info = await jsm.streams.info(`KV_${nats.layout.stream}_idempotency`);
    expect(info.config.max_age).toBe(3_600_000 * 1_000_000);
    expect(info.config.max_msgs_per_subject).toBe(1);
  });

  it("keeps the promises of keys written by the release before the lease protocol", async () => {
    const kv = await new Kvm(nats.store.js).open(bucket());
    const at = new Date().toISOString();
    const old = (requestId: string, state: string) =>
      JSON.stringify({ requestId, bodyHash: HASH, state, at });
    const doneId = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a01";
    const failedId = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a02";
    await kv.put(keyOf("old-done"), old(doneId, "done"));
    await kv.put(keyOf("old-failed"), old(failedId, "failed"));
    const recorded = new Set<string>();
    const attempts: string[] = [];
    // written before cancel tokens: nothing to show again
    expect(await submit("old-done", recorded, attempts)).toEqual({
      requestId: doneId,
      replayed: true,
      cancelToken: null,
    });
    // a failed attempt is retried under the SAME request id
    expect(await submit("old-failed", recorded, attempts)).toEqual({
      requestId: failedId,
      replayed: false,
      cancelToken: expect.any(String),
    });
    expect(attempts).toEqual([failedId]);
    // An earlier, unscoped key under another body (someone else's) is not there for this one.
    const othersId = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a03";
    await kv.put(
      keyOf("old-other"),
      JSON.stringify({ requestId: othersId, bodyHash: "d".repeat(64), state: "done", at }),
    );
    const mine = await submit("old-other", recorded, attempts);
    expect(mine.replayed).toBe(false);
    expect(mine.requestId).not.toBe(othersId);
  });

  it("reports an unreadable record as the store being unavailable rather than guessing", async () => {
    const kv = await new Kvm(nats.store.js).open(bucket());
    await kv.put(keyOf("garbled"), "not json");
    await expect(submit("garbled", new Set(), [])).rejects.toBeInstanceOf(IdempotencyStoreUnavailableError);
  });
});
