import { describe, expect, it } from "vitest";
import { createInMemoryKvRecordStore } from "./in-memory-kv-record-store";
import { kvRecordStoreContract, Note } from "./kv-record-store.contract";

kvRecordStoreContract("in-memory KvRecordStore", async () => createInMemoryKvRecordStore({ schema: Note }));

describe("in-memory KvRecordStore", () => {
  it("forgets a key after its time to live, like the KV bucket's max age", async () => {
    let now = 1_000_000;
    const store = createInMemoryKvRecordStore({ schema: Note, ttlMs: 60_000, now: () => now });
    await store.create("k", { owner: "a", state: "open" });
    now += 59_999;
    expect(await store.get("k")).not.toBeNull();
    now += 1;
    expect(await store.get("k")).toBeNull();
    expect(await store.create("k", { owner: "b", state: "open" })).not.toBeNull();
  });

  it("keeps a key for good without a time to live, stamped by its own clock", async () => {
    let now = 1_000_000;
    const store = createInMemoryKvRecordStore({ schema: Note, now: () => now });
    await store.create("k", { owner: "a", state: "open" });
    now += 365 * 24 * 3600 * 1000;
    expect((await store.get("k"))?.storedAt).toEqual(new Date(1_000_000));
    expect(store.peek("k")?.value).toEqual({ owner: "a", state: "open" });
  });
});
