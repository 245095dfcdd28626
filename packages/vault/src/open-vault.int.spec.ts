import { jetstreamManager } from "@nats-io/jetstream";
import { openTestStore, type TestStore } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyBucketName, openVault } from "./open-vault";
import { vaultContract } from "./vault.contract";

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
});
afterAll(async () => {
  const jsm = await jetstreamManager(t.nc);
  await jsm.streams.delete(`KV_${keyBucketName(t.layout.stream)}`).catch(() => undefined);
  await t.cleanup();
});

vaultContract("vault on NATS KV", async () => ({
  vault: await openVault(t.store, { replicas: 1 }),
  other: () => openVault(t.store, { replicas: 1 }),
}));

describe("openVault (real NATS JetStream)", () => {
  it("keeps the keys in <stream>_keys: file storage, one revision a key, no expiry", async () => {
    await openVault(t.store, { replicas: 1 });
    const jsm = await jetstreamManager(t.nc);
    const { config } = await jsm.streams.info(`KV_${keyBucketName(t.layout.stream)}`);
    expect(config).toMatchObject({ max_age: 0, max_msgs_per_subject: 1, num_replicas: 1, storage: "file" });
  });
});
