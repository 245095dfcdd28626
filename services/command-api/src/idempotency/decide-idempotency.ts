import type { IdempotencyEntry } from "./idempotency-store";

/** What a request carrying an Idempotency-Key should do, given what the key holds. */
export type IdempotencyDecision =
  /** The key is new: claim it (atomically; a lost race means decide again). */
  | { kind: "claim" }
  /** The key came with another body: refuse, the client reused a key by mistake. */
  | { kind: "conflict"; requestId: string }
  /** The request was registered: answer with its id, store nothing. */
  | { kind: "replay"; requestId: string }
  /** The last attempt failed, or its holder went silent past the lease: take the claim over. */
  | { kind: "retake"; requestId: string; revision: number }
  /** Another attempt holds a live claim: wait for it to settle (or for its lease to run out). */
  | { kind: "wait"; requestId: string; revision: number; waitMs: number };

/** Decides from the key's entry alone; pure, so every branch is tested without a store. */
export function decideIdempotency(
  entry: IdempotencyEntry | null,
  bodyHash: string,
  nowMs: number,
  leaseMs: number,
): IdempotencyDecision {
  if (!entry) return { kind: "claim" };
  const { record, revision } = entry;
  if (record.bodyHash !== bodyHash) return { kind: "conflict", requestId: record.requestId };
  if (record.state === "done") return { kind: "replay", requestId: record.requestId };
  if (record.state === "failed") return { kind: "retake", requestId: record.requestId, revision };
  const leftMs = Date.parse(record.at) + leaseMs - nowMs;
  if (leftMs <= 0) return { kind: "retake", requestId: record.requestId, revision };
  return { kind: "wait", requestId: record.requestId, revision, waitMs: leftMs };
}
