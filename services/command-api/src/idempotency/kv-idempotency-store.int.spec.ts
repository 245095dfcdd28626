import { jetstreamManager } from "@nats-io/jetstream";
import { openTestStore, type TestStore } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IdempotencyStoreUnavailableError } from "./errors";
import type { IdempotencyStore } from "./idempotency-store";
import { idempotencyStoreContract } from "./idempotency-store.contract";
import { idempotencyBucketName, openKvIdempotencyStore } from "./kv-idempotency-store";

let nats: TestStore;
let store: IdempotencyStore;

beforeAll(async () => {
  nats = await openTestStore();
  store = await openKvIdempotencyStore(nats.store.js, {
    stream: nats.layout.stream,
    ttlMs: 3_600_000,
    replicas: 1,
  });
});
afterAll(async () => {
  const jsm = await jetstreamManager(nats.nc);
  await jsm.streams.delete(`KV_${idempotencyBucketName(nats.layout.stream)}`).catch(() => undefined);
  await nats.cleanup();
});

idempotencyStoreContract("KvIdempotencyStore", () => store);

describe("KvIdempotencyStore", () => {
  it("keeps its keys in a bucket named after the stream, with the configured age limit", async () => {
    const jsm = await jetstreamManager(nats.nc);
    const info = await jsm.streams.info(`KV_${nats.layout.stream}_idempotency`);
    expect(info.config.max_age).toBe(3_600_000 * 1_000_000);
    expect(info.config.max_msgs_per_subject).toBe(1);
  });

  it("reports an unreadable record as unavailable rather than guessing", async () => {
    const { Kvm } = await import("@nats-io/kv");
    const kv = await new Kvm(nats.store.js).open(idempotencyBucketName(nats.layout.stream));
    await kv.put("garbled", "not json");
    await expect(store.get("garbled")).rejects.toBeInstanceOf(IdempotencyStoreUnavailableError);
  });
});
