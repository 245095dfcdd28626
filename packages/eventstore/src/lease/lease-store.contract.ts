import { silentLogger } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { type AcquireOptions, acquireLease } from "./acquire-lease";
import type { LeaseRecord, LeaseStore } from "./lease-record";

/** The data the contract keeps with each key; `legacyData` shows how an upcaster reads an old format. */
export const contractData = z.object({ ticket: z.string() });
type Data = z.infer<typeof contractData>;

/** An older record format (`{ticket, finished}`), read as the current one by the store's `legacy` schema. */
export const contractLegacy = z.object({ ticket: z.string(), finished: z.boolean() }).transform(
  (old): LeaseRecord<Data> =>
    old.finished
      ? { state: "done", owner: "legacy", at: new Date(0).toISOString(), data: { ticket: old.ticket } }
      : {
          state: "failed",
          owner: "legacy",
          at: new Date(0).toISOString(),
          data: { ticket: old.ticket },
          reason: "legacy",
        },
);

let counter = 0;
const freshKey = () => `k${Date.now().toString(16)}${(counter++).toString(16).padStart(6, "0")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The lease protocol's rules, run against every lease store (the NATS KV bucket and its in-memory
 * twin): one holder at a time, done is final, failed is retaken at once, a silent holder is taken
 * over and loses its late outcome, a live holder never is.
 */
export function leaseStoreContract(
  name: string,
  open: () => Promise<LeaseStore<Data>>,
  /** Writes a raw value under a key, bypassing the schema (to plant a legacy record). */
  putRaw: (key: string, value: unknown) => Promise<void>,
): void {
  const options = (owner: string, leaseMs = 30_000): AcquireOptions<Data> => ({
    owner,
    leaseMs,
    logger: silentLogger,
    data: (previous) => previous?.data ?? { ticket: `from-${owner}` },
  });

  describe(`lease protocol: ${name}`, () => {
    it("of instances racing for a key exactly one acquires it; the others find it held", async () => {
      const store = await open();
      const key = freshKey();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          acquireLease(store, key, { ...options(`owner-${i}`), rounds: 1 }),
        ),
      );
      const winners = results.filter((r) => r.kind === "acquired");
      expect(winners).toHaveLength(1);
      for (const r of results) expect(["acquired", "held", "contended"]).toContain(r.kind);
      const held = await acquireLease(store, key, options("late"));
      expect(held).toMatchObject({ kind: "held", record: { state: "held" } });
      if (winners[0]?.kind === "acquired")
        await winners[0].lease.settle({ state: "done", data: winners[0].lease.data });
    });

    it("done is final: every later acquirer gets the outcome, never the key", async () => {
      const store = await open();
      const key = freshKey();
      const first = await acquireLease(store, key, options("a"));
      if (first.kind !== "acquired") throw new Error(`expected acquired, got ${first.kind}`);
      expect(await first.lease.settle({ state: "done", data: { ticket: "sent-1" } })).toBe(true);
      for (const owner of ["a", "b"]) {
        expect(await acquireLease(store, key, options(owner))).toEqual({
          kind: "done",
          record: expect.objectContaining({ state: "done", owner: "a", data: { ticket: "sent-1" } }),
        });
      }
    });

    it("a failed attempt is retaken at once, keeping what it left (the same identity)", async () => {
      const store = await open();
      const key = freshKey();
      const first = await acquireLease(store, key, options("a"));
      if (first.kind !== "acquired") throw new Error(first.kind);
      await first.lease.settle({ state: "failed", data: first.lease.data, reason: "smtp 451" });
      const retry = await acquireLease(store, key, options("b"));
      expect(retry).toMatchObject({
        kind: "acquired",
        previous: { state: "failed", reason: "smtp 451" },
        takeover: null,
      });
      if (retry.kind === "acquired") expect(retry.lease.data).toEqual({ ticket: "from-a" });
    });

    it("a holder silent for a whole lease is taken over, and its late outcome is refused", async () => {
      const store = await open();
      const key = freshKey();
      const leaseMs = 1000;
      const silent = await acquireLease(store, key, options("silent", leaseMs));
      if (silent.kind !== "acquired") throw new Error(silent.kind);
      // a holder that froze: it stops renewing (as a dead process would)
      (silent.lease as unknown as { stopRenewing(): void }).stopRenewing();
      expect((await acquireLease(store, key, options("b", leaseMs))).kind).toBe("held");
      await sleep(leaseMs + 100);
      const taker = await acquireLease(store, key, options("b", leaseMs));
      expect(taker).toMatchObject({ kind: "acquired", previous: { owner: "silent" } });
      if (taker.kind === "acquired") {
        expect(taker.takeover?.silentForMs).toBeGreaterThanOrEqual(leaseMs);
        expect((await store.get(key))?.value).toMatchObject({ state: "held", owner: "b", takeover: true });
        expect(await silent.lease.settle({ state: "done", data: silent.lease.data })).toBe(false);
        expect(await taker.lease.settle({ state: "done", data: taker.lease.data })).toBe(true);
      }
    });

    it("a live holder that renews is never taken over, however long it works", async () => {
      const store = await open();
      const key = freshKey();
      const leaseMs = 1200;
      const live = await acquireLease(store, key, options("live", leaseMs));
      if (live.kind !== "acquired") throw new Error(live.kind);
      for (let i = 0; i < 4; i++) {
        await sleep(leaseMs / 2);
        expect((await acquireLease(store, key, options("b", leaseMs))).kind).toBe("held");
      }
      expect(await live.lease.settle({ state: "done", data: live.lease.data })).toBe(true);
    });

    it("inspect refuses before anything is written", async () => {
      const store = await open();
      const key = freshKey();
      const first = await acquireLease(store, key, options("a"));
      if (first.kind !== "acquired") throw new Error(first.kind);
      const before = await store.get(key);
      const refuse = () => {
        throw new Error("another body");
      };
      await expect(acquireLease(store, key, { ...options("b"), inspect: refuse })).rejects.toThrow(
        "another body",
      );
      expect((await store.get(key))?.revision).toBe(before?.revision);
    });

    it("reads a record written in the legacy format through the upcaster", async () => {
      const store = await open();
      const doneKey = freshKey();
      await putRaw(doneKey, { ticket: "old-1", finished: true });
      expect(await acquireLease(store, doneKey, options("a"))).toMatchObject({
        kind: "done",
        record: { data: { ticket: "old-1" } },
      });
      const failedKey = freshKey();
      await putRaw(failedKey, { ticket: "old-2", finished: false });
      const retaken = await acquireLease(store, failedKey, options("a"));
      expect(retaken).toMatchObject({ kind: "acquired", previous: { reason: "legacy" } });
      if (retaken.kind === "acquired") expect(retaken.lease.data).toEqual({ ticket: "old-2" });
    });
  });
}
