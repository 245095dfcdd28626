import { randomBytes } from "node:crypto";
import { type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { testNatsUrl } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectNats, type NatsConnection } from "../nats-connection";
import { kvRecordStoreContract, Note } from "./kv-record-store.contract";
import { KvRecordUnreadableError, openKvRecordStore } from "./open-kv-record-store";

let nc: NatsConnection;
let js: JetStreamClient;
const buckets: string[] = [];

/** A store on a bucket no other test uses, deleted after the run. */
async function open(options: { ttlMs?: number } = {}) {
  const bucket = `T_KV_${randomBytes(5).toString("hex").toUpperCase()}`;
  buckets.push(bucket);
  const store = await openKvRecordStore(js, {
    bucket,
    schema: Note,
    replicas: 1,
    description: "reimagine test",
    ...options,
  });
  return { bucket, store, kv: () => new Kvm(js).open(bucket) };
}

beforeAll(async () => {
  nc = await connectNats(testNatsUrl(), "reimagine-test");
  js = jetstream(nc);
});
afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  for (const bucket of buckets) await jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
  await nc.close();
});

kvRecordStoreContract("NATS KV", async () => (await open()).store);

describe("openKvRecordStore (real NATS JetStream)", () => {
  it("keeps one revision a key, with the age limit asked for or none, and opens again without complaint", async () => {
    const jsm = await jetstreamManager(nc);
    const { bucket, store } = await open({ ttlMs: 3_600_000 });
    expect(store.name).toBe(`KV bucket ${bucket}`);
    const info = await jsm.streams.info(`KV_${bucket}`);
    expect(info.config.max_age).toBe(3_600_000 * 1_000_000);
    expect(info.config.max_msgs_per_subject).toBe(1);
    await openKvRecordStore(js, {
      bucket,
      schema: Note,
      ttlMs: 3_600_000,
      replicas: 1,
      description: "again",
    });

    const forever = await open();
    expect((await jsm.streams.info(`KV_${forever.bucket}`)).config.max_age).toBe(0);
  });

  it("applies a new age limit to a bucket that already exists, and keeps its records", async () => {
    const jsm = await jetstreamManager(nc);
    const { bucket, store } = await open();
    await store.create("k", { owner: "kept", state: "open" });
    const reopened = await openKvRecordStore(js, {
      bucket,
      schema: Note,
      ttlMs: 7_200_000,
      replicas: 1,
      description: "with a ttl now",
    });
    expect((await jsm.streams.info(`KV_${bucket}`)).config.max_age).toBe(7_200_000 * 1_000_000);
    expect((await reopened.get("k"))?.value).toEqual({ owner: "kept", state: "open" });
  });

  it("reports a record that is not JSON, or not what the schema says, instead of guessing", async () => {
    const { store, kv: openKv } = await open();
    const kv = await openKv();
    await kv.put("garbled", "not json");
    await kv.put("wrong", JSON.stringify({ owner: "a", state: "maybe" }));
    for (const key of ["garbled", "wrong"]) {
      const err = await store.get(key).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KvRecordUnreadableError);
      expect(err).toMatchObject({ code: "KV_RECORD_UNREADABLE", key });
      expect((err as Error).cause).toBeInstanceOf(Error);
    }
  });

  it("treats a deleted key as free", async () => {
    const { store, kv: openKv } = await open();
    const kv = await openKv();
    await kv.put("gone", JSON.stringify({ owner: "a", state: "open" }));
    await kv.delete("gone");
    expect(await store.get("gone")).toBeNull();
    expect(await store.create("gone", { owner: "b", state: "open" })).not.toBeNull();
  });
});
