import { Kvm } from "@nats-io/kv";
import { openTestStore, type TestStore } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvRecordUnreadableError } from "../kv/open-kv-record-store";
import type { LeaseStore } from "./lease-record";
import { contractData, contractLegacy, leaseStoreContract } from "./lease-store.contract";
import { openLeaseStore } from "./open-lease-store";

let t: TestStore;
let store: LeaseStore<{ ticket: string }>;
const bucket = () => `${t.layout.stream}_leases`;

beforeAll(async () => {
  t = await openTestStore();
  store = await openLeaseStore(t.store.js, {
    bucket: bucket(),
    data: contractData,
    legacy: contractLegacy,
    ttlMs: 3_600_000,
    replicas: 1,
    description: "lease contract test",
  });
});
afterAll(async () => {
  await (await new Kvm(t.store.js).open(bucket())).destroy().catch(() => undefined);
  await t.cleanup();
});

leaseStoreContract(
  "NATS KV",
  async () => store,
  async (key, value) => {
    await (await new Kvm(t.store.js).open(bucket())).put(key, JSON.stringify(value));
  },
);

describe("openLeaseStore (NATS KV)", () => {
  it("keeps one revision per key with the configured age limit", async () => {
    const status = await (await new Kvm(t.store.js).open(bucket())).status();
    expect(status.history).toBe(1);
    expect(status.ttl).toBe(3_600_000);
  });

  it("reports a value that is neither format as unreadable instead of guessing", async () => {
    await (await new Kvm(t.store.js).open(bucket())).put("garbled", "not json");
    await expect(store.get("garbled")).rejects.toBeInstanceOf(KvRecordUnreadableError);
  });

  it("treats a deleted key as free", async () => {
    const kv = await new Kvm(t.store.js).open(bucket());
    await kv.put("gone", "{}");
    await kv.delete("gone");
    expect(await store.get("gone")).toBeNull();
  });
});
