import type { LeaseEntry, LeaseRecord } from "./lease-record";

/** What to do about a key, given the lease record found under it. */
export type LeaseDecision<D> =
  /** Nobody has tried yet: create the record (atomically; a lost race means decide again). */
  | { kind: "acquire" }
  /** The work was done earlier: use its outcome, never do it again. */
  | { kind: "done"; record: LeaseRecord<D> }
  /** The last attempt did nothing, or it was this instance's own and is over: take the key at once. */
  | { kind: "retake"; revision: number; previous: LeaseRecord<D> }
  /**
   * The holder stopped renewing mid-work (it died, or froze longer than the lease): take the key
   * over and do the work again. The one case in which the work may happen twice.
   */
  | { kind: "takeover"; revision: number; previous: LeaseRecord<D>; silentForMs: number }
  /** Another holder is alive and on it: wait until its lease would have run out (or for a change). */
  | { kind: "wait"; revision: number; record: LeaseRecord<D>; retryAfterMs: number };

export interface LeaseDecisionInput<D> {
  entry: LeaseEntry<D> | null;
  nowMs: number;
  /** How long a `held` record stays valid without a renewal. */
  leaseMs: number;
  /** This instance's owner id. The caller guarantees it is not itself working under this key now. */
  self: string;
}

/** Retrying a moment after the lease would have expired, not exactly on it. */
const LEASE_MARGIN_MS = 250;

/** Decides what to do about a key from the lease record read under it. Pure. */
export function decideLease<D>({ entry, nowMs, leaseMs, self }: LeaseDecisionInput<D>): LeaseDecision<D> {
  if (!entry) return { kind: "acquire" };
  const { value: record, revision } = entry;
  switch (record.state) {
    case "done":
      return { kind: "done", record };
    case "failed":
      return { kind: "retake", revision, previous: record };
    case "held": {
      // our own record, and we are not working under it: an attempt of ours ended but could not
      // say how (the store was unreachable); an attempt that succeeded is remembered by the caller
      if (record.owner === self) return { kind: "retake", revision, previous: record };
      // the server's timestamp of the last renewal, so other instances' clocks do not matter
      const silentForMs = nowMs - entry.storedAt.getTime();
      if (silentForMs >= leaseMs) return { kind: "takeover", revision, previous: record, silentForMs };
      // a negative age is clock skew between us and the server: wait a full lease
      const remaining = silentForMs < 0 ? leaseMs : leaseMs - silentForMs;
      return { kind: "wait", revision, record, retryAfterMs: remaining + LEASE_MARGIN_MS };
    }
  }
}
