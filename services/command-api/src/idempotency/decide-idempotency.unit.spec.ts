import { describe, expect, it } from "vitest";
import { decideIdempotency } from "./decide-idempotency";
import type { IdempotencyEntry, IdempotencyRecord } from "./idempotency-store";

const ID = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";
const HASH = "a".repeat(64);
const NOW = Date.parse("2025-06-01T12:00:00.000Z");
const LEASE = 30_000;

const entry = (state: IdempotencyRecord["state"], ageMs = 0, bodyHash = HASH): IdempotencyEntry => ({
  record: { requestId: ID, bodyHash, state, at: new Date(NOW - ageMs).toISOString() },
  revision: 7,
});

describe("decideIdempotency", () => {
  it("claims a new key", () => {
    expect(decideIdempotency(null, HASH, NOW, LEASE)).toEqual({ kind: "claim" });
  });

  it("refuses another body under the key, whatever its state", () => {
    for (const state of ["pending", "done", "failed"] as const) {
      expect(decideIdempotency(entry(state, 0, "f".repeat(64)), HASH, NOW, LEASE)).toEqual({
        kind: "conflict",
        requestId: ID,
      });
    }
  });

  it("replays a finished request", () => {
    expect(decideIdempotency(entry("done", 10 * LEASE), HASH, NOW, LEASE)).toEqual({
      kind: "replay",
      requestId: ID,
    });
  });

  it("retakes a failed attempt at once", () => {
    expect(decideIdempotency(entry("failed"), HASH, NOW, LEASE)).toEqual({
      kind: "retake",
      requestId: ID,
      revision: 7,
    });
  });

  it("waits for a live pending attempt for the rest of its lease, and retakes it once the lease is over", () => {
    expect(decideIdempotency(entry("pending", 10_000), HASH, NOW, LEASE)).toEqual({
      kind: "wait",
      requestId: ID,
      revision: 7,
      waitMs: 20_000,
    });
    expect(decideIdempotency(entry("pending", LEASE), HASH, NOW, LEASE)).toEqual({
      kind: "retake",
      requestId: ID,
      revision: 7,
    });
  });
});
