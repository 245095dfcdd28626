import { describe, expect, it } from "vitest";
import * as z from "zod";
import type { KvRecordStore } from "./kv-record-store";

/** The record the contract stores: small, with a field a bad write can get wrong. */
export const Note = z.object({ owner: z.string().min(1), state: z.enum(["open", "closed"]) });
export type Note = z.infer<typeof Note>;

const note = (owner: string, state: Note["state"] = "open"): Note => ({ owner, state });

let counter = 0;
const freshKey = () => `${Date.now().toString(16)}${(counter++).toString(16).padStart(8, "0")}`;

/** The behaviour every KvRecordStore adapter must have; run by each adapter's spec. */
export function kvRecordStoreContract(name: string, open: () => Promise<KvRecordStore<Note>>): void {
  describe(`${name} (KvRecordStore contract)`, () => {
    it("has nothing for a key never written", async () => {
      expect(await (await open()).get(freshKey())).toBeNull();
    });

    it("creates a key once: the second create is refused, the first record stays", async () => {
      const store = await open();
      const key = freshKey();
      const revision = await store.create(key, note("a"));
      expect(revision).toBeGreaterThan(0);
      expect(await store.create(key, note("b"))).toBeNull();
      const entry = await store.get(key);
      expect(entry).toMatchObject({ value: note("a"), revision });
      expect(entry?.storedAt).toBeInstanceOf(Date);
    });

    it("lets exactly one of many racing creates win, and keeps the winner's record", async () => {
      const store = await open();
      const key = freshKey();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.create(key, note(`o${i}`))),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await store.get(key)).toMatchObject({
        value: note(`o${results.indexOf(winners[0]!)}`),
        revision: winners[0],
      });
    });

    it("updates only from the current revision", async () => {
      const store = await open();
      const key = freshKey();
      const first = (await store.create(key, note("a")))!;
      const second = await store.update(key, note("a", "closed"), first);
      expect(second).toBeGreaterThan(first);
      // a writer still holding the first revision lost the race
      expect(await store.update(key, note("b"), first)).toBeNull();
      expect((await store.get(key))?.value).toEqual(note("a", "closed"));
      expect(await store.update(freshKey(), note("c"), first)).toBeNull();
    });

    it("refuses to store a value its schema rejects, and stores nothing", async () => {
      const store = await open();
      const key = freshKey();
      await expect(store.create(key, { owner: "", state: "maybe" } as never)).rejects.toThrow();
      expect(await store.get(key)).toBeNull();
    });

    it("hands out copies: changing what was written or read does not change the record", async () => {
      const store = await open();
      const key = freshKey();
      const written = note("a");
      await store.create(key, written);
      written.owner = "changed after writing";
      const read = (await store.get(key))!;
      read.value.owner = "changed after reading";
      expect((await store.get(key))?.value).toEqual(note("a"));
    });

    it("wakes a waiter when the key changes, including a change made before the wait began", async () => {
      const store = await open();
      const key = freshKey();
      const revision = (await store.create(key, note("a")))!;
      const waiting = store.waitForChange(key, revision, 30_000);
      await store.update(key, note("a", "closed"), revision);
      await waiting;
      // Already past the revision: returns at once instead of waiting out the timeout.
      await store.waitForChange(key, revision, 30_000);
      expect((await store.get(key))?.value.state).toBe("closed");
    });

    it("erases a record for good: gone, free to create again, and erasing it twice is a no-op", async () => {
      const store = await open();
      const key = freshKey();
      await store.create(key, note("a"));
      expect(await store.erase(key)).toBe(true);
      expect(await store.get(key)).toBeNull();
      expect(await store.erase(key)).toBe(false);
      expect(await store.erase(freshKey())).toBe(false);
      expect(await store.create(key, note("b"))).not.toBeNull();
    });

    it("erases the latest revision of an updated record", async () => {
      const store = await open();
      const key = freshKey();
      const first = (await store.create(key, note("a")))!;
      await store.update(key, note("a", "closed"), first);
      expect(await store.erase(key)).toBe(true);
      expect(await store.get(key)).toBeNull();
    });

    it("lists the keys under a prefix, without erased ones or those of other prefixes", async () => {
      const store = await open();
      const base = `p${freshKey()}`;
      await store.create(`${base}.x.1`, note("a"));
      await store.create(`${base}.x.2`, note("b"));
      await store.create(`${base}.y.1`, note("c"));
      await store.create(`${base}x.1`, note("d"));
      await store.erase(`${base}.x.2`);
      expect((await store.keys(`${base}.x.`)).sort()).toEqual([`${base}.x.1`]);
      expect((await store.keys(`${base}.`)).sort()).toEqual([`${base}.x.1`, `${base}.y.1`]);
      expect(await store.keys(`${base}.z.`)).toEqual([]);
      await expect(store.keys(base)).rejects.toThrow(TypeError);
    });

    it("stops waiting after the timeout when nothing changes", async () => {
      const store = await open();
      const key = freshKey();
      const revision = (await store.create(key, note("a")))!;
      await store.waitForChange(key, revision, 50);
      expect((await store.get(key))?.revision).toBe(revision);
    });
  });
}
