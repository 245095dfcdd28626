import { describe, expect, it } from "vitest";
import { idempotencyStoreContract } from "./idempotency-store.contract";
import { InMemoryIdempotencyStore } from "./in-memory-idempotency-store";

idempotencyStoreContract("InMemoryIdempotencyStore", () => new InMemoryIdempotencyStore());

describe("InMemoryIdempotencyStore", () => {
  it("forgets a key after its time to live, like the KV bucket's max age", async () => {
    let now = 1_000_000;
    const store = new InMemoryIdempotencyStore(60_000, () => now);
    const record = {
      requestId: "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
      bodyHash: "c".repeat(64),
      state: "done" as const,
      at: new Date(now).toISOString(),
    };
    await store.create("k", record);
    now += 59_999;
    expect(await store.get("k")).not.toBeNull();
    now += 1;
    expect(await store.get("k")).toBeNull();
    expect(await store.create("k", record)).not.toBeNull();
  });
});
