import { Kvm } from "@nats-io/kv";
import { openTestStore, type TestStore } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnreadableClaimError } from "./claim-store";
import { claimStoreContract } from "./claim-store.contract";
import { claimBucketName, openKvClaimStore } from "./kv-claim-store";

describe("KV claim store (real NATS JetStream)", () => {
  let t: TestStore;

  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(async () => {
    await (await new Kvm(t.store.js).open(claimBucketName(t.layout.stream))).destroy();
    await t.cleanup();
  });

  claimStoreContract("NATS KV", () => openKvClaimStore(t.store, { replicas: 1 }));

  it("names the bucket after the event stream and opens it again without complaint", async () => {
    const claims = await openKvClaimStore(t.store, { replicas: 1 });
    expect(claims.name).toBe(`KV bucket ${t.layout.stream}_notifier_claims`);
    const status = await (await new Kvm(t.store.js).open(claimBucketName(t.layout.stream))).status();
    expect(status.history).toBe(1);
  });

  it("reports a value that is not a claim instead of guessing", async () => {
    const claims = await openKvClaimStore(t.store, { replicas: 1 });
    const kv = await new Kvm(t.store.js).open(claimBucketName(t.layout.stream));
    await kv.put("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.0", "not json");
    await expect(claims.get("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.0")).rejects.toBeInstanceOf(
      UnreadableClaimError,
    );
  });

  it("treats a deleted key as free", async () => {
    const claims = await openKvClaimStore(t.store, { replicas: 1 });
    const kv = await new Kvm(t.store.js).open(claimBucketName(t.layout.stream));
    const key = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c.0";
    await kv.put(key, "{}");
    await kv.delete(key);
    expect(await claims.get(key)).toBeNull();
  });
});
