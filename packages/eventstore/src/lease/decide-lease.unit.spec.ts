import { describe, expect, it } from "vitest";
import { decideLease } from "./decide-lease";
import type { LeaseEntry, LeaseRecord } from "./lease-record";

const LEASE = 30_000;
const NOW = Date.parse("2026-11-29T10:00:00.000Z");
const at = "2026-11-29T09:59:00.000Z";
const data = { ticket: "t-1" };

function entry(value: LeaseRecord<typeof data>, storedMsAgo: number, revision = 7): LeaseEntry<typeof data> {
  return { value, revision, storedAt: new Date(NOW - storedMsAgo) };
}
const held = (owner: string): LeaseRecord<typeof data> => ({
  state: "held",
  owner,
  at,
  data,
  takeover: false,
});
const decide = (e: LeaseEntry<typeof data> | null) =>
  decideLease({ entry: e, nowMs: NOW, leaseMs: LEASE, self: "me" });

describe("decideLease", () => {
  it("acquires a key nobody has written", () => {
    expect(decide(null)).toEqual({ kind: "acquire" });
  });

  it("never works again once the record says done, however old", () => {
    const done: LeaseRecord<typeof data> = { state: "done", owner: "other", at, data };
    for (const age of [0, LEASE * 10])
      expect(decide(entry(done, age))).toEqual({ kind: "done", record: done });
  });

  it("retakes a failed record at its revision, at once", () => {
    const failed: LeaseRecord<typeof data> = { state: "failed", owner: "other", at, data, reason: "451" };
    expect(decide(entry(failed, 0))).toEqual({ kind: "retake", revision: 7, previous: failed });
  });

  it("waits for a live holder until its lease would have run out", () => {
    const record = held("other");
    expect(decide(entry(record, 10_000))).toEqual({
      kind: "wait",
      revision: 7,
      record,
      retryAfterMs: 20_250,
    });
  });

  it("takes over from a holder silent for a whole lease (it died mid-work)", () => {
    const record = held("other");
    expect(decide(entry(record, LEASE))).toEqual({
      kind: "takeover",
      revision: 7,
      previous: record,
      silentForMs: LEASE,
    });
  });

  it("waits a full lease when the server's clock is ahead of ours", () => {
    expect(decide(entry(held("other"), -5_000))).toMatchObject({ kind: "wait", retryAfterMs: LEASE + 250 });
  });

  it("retakes its own held record at once: this instance knows it is not working under it", () => {
    const mine = held("me");
    expect(decide(entry(mine, 0))).toEqual({ kind: "retake", revision: 7, previous: mine });
  });
});
