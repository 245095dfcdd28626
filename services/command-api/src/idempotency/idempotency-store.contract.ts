import { describe, expect, it } from "vitest";
import type { IdempotencyRecord, IdempotencyStore } from "./idempotency-store";

const record = (state: IdempotencyRecord["state"], requestId = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b") => ({
  requestId,
  bodyHash: "b".repeat(64),
  state,
  at: new Date().toISOString(),
});

let counter = 0;
const freshKey = () => `${Date.now().toString(16)}${(counter++).toString(16).padStart(8, "0")}`;

/** The behaviour every IdempotencyStore adapter must have; run by each adapter's spec. */
export function idempotencyStoreContract(name: string, open: () => IdempotencyStore): void {
  describe(`${name} (IdempotencyStore contract)`, () => {
    it("has nothing for a key never written", async () => {
      expect(await open().get(freshKey())).toBeNull();
    });

    it("creates a key once: the second create is refused, the first record stays", async () => {
      const store = open();
      const key = freshKey();
      const pending = record("pending");
      const revision = await store.create(key, pending);
      expect(revision).toBeGreaterThan(0);
      expect(await store.create(key, record("done"))).toBeNull();
      expect(await store.get(key)).toEqual({ record: pending, revision });
    });

    it("lets exactly one of many racing creates win", async () => {
      const store = open();
      const key = freshKey();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.create(key, record("pending"))),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it("updates only from the current revision", async () => {
      const store = open();
      const key = freshKey();
      const first = (await store.create(key, record("pending")))!;
      const second = await store.update(key, record("failed"), first);
      expect(second).toBeGreaterThan(first);
      expect(await store.update(key, record("done"), first)).toBeNull();
      expect((await store.get(key))?.record.state).toBe("failed");
      expect(await store.update(freshKey(), record("done"), first)).toBeNull();
    });

    it("wakes a waiter when the key changes, including a change made before the wait began", async () => {
      const store = open();
      const key = freshKey();
      const revision = (await store.create(key, record("pending")))!;
      const waiting = store.waitForChange(key, revision, 30_000);
      await store.update(key, record("done"), revision);
      await waiting;
      // Already past the revision: returns at once instead of waiting out the timeout.
      await store.waitForChange(key, revision, 30_000);
      expect((await store.get(key))?.record.state).toBe("done");
    });

    it("stops waiting after the timeout when nothing changes", async () => {
      const store = open();
      const key = freshKey();
      const revision = (await store.create(key, record("pending")))!;
      await store.waitForChange(key, revision, 50);
      expect((await store.get(key))?.revision).toBe(revision);
    });
  });
}
