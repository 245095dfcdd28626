import { silentLogger } from "@reimagine/platform";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { Lease } from "./lease";
import { createInMemoryLeaseStore } from "./open-lease-store";

const KEY = "k1";
const LEASE = 3000;
const data = { ticket: "t-1" };
const held = { state: "held", owner: "me", at: new Date(0).toISOString(), data, takeover: false } as const;

describe("Lease", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function hold() {
    const store = createInMemoryLeaseStore({ data: z.object({ ticket: z.string() }) });
    const revision = (await store.create(KEY, held))!;
    return { store, lease: new Lease(store, KEY, held, revision, LEASE, silentLogger), revision };
  }

  it("renews the record every third of the lease, and settles at the renewed revision", async () => {
    const { store, lease, revision } = await hold();
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    const renewed = (await store.get(KEY))!;
    expect(renewed.revision).toBeGreaterThan(revision);
    expect(renewed.value.state).toBe("held");

    expect(await lease.settle({ state: "done", data })).toBe(true);
    expect((await store.get(KEY))?.value).toMatchObject({ state: "done", owner: "me", data });
    // settled: no renewal overwrites the outcome afterwards
    await vi.advanceTimersByTimeAsync(LEASE * 2);
    expect((await store.get(KEY))?.value.state).toBe("done");
  });

  it("notices a takeover at its next renewal and never overwrites the new holder's record", async () => {
    const { store, lease, revision } = await hold();
    await store.update(KEY, { ...held, owner: "other", takeover: true }, revision);
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    expect(lease.lost).toBe(true);

    expect(await lease.settle({ state: "done", data })).toBe(false);
    expect((await store.get(KEY))?.value).toMatchObject({ state: "held", owner: "other" });
  });

  it("a takeover between the last renewal and the settle is caught by compare-and-set", async () => {
    const { store, lease, revision } = await hold();
    await store.update(KEY, { ...held, owner: "other", takeover: true }, revision);
    expect(await lease.settle({ state: "failed", data, reason: "x" })).toBe(false);
    expect(lease.lost).toBe(true);
    expect((await store.get(KEY))?.value.owner).toBe("other");
  });

  it("keeps trying when a renewal fails, and settles once the store answers again", async () => {
    const { store, lease } = await hold();
    const update = store.update.bind(store);
    let down = true;
    store.update = (...args) => (down ? Promise.reject(new Error("nats down")) : update(...args));
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    expect(lease.lost).toBe(false);
    down = false;
    expect(await lease.settle({ state: "done", data })).toBe(true);
  });
});
