import type { ClaimEntry, NotificationClaim } from "./notification-claim";

/** What a delivery should do about the email, given the claim it found. */
export type ClaimDecision =
  /** Nobody has tried yet: create the claim (atomically; a lost race means decide again). */
  | { kind: "create" }
  /** The email went out earlier: record it, never send again. */
  | { kind: "sent"; messageId: string; recipientDomain: string }
  /** The last attempt delivered nothing, or it was this instance's own and is over: take the claim over. */
  | { kind: "retake"; revision: number; previous: NotificationClaim }
  /**
   * The owner stopped renewing its claim mid-send (it died, or froze longer than the lease): take it
   * over and resend with the same Message-ID. The only case in which the person may get two emails.
   */
  | { kind: "takeover"; revision: number; previous: NotificationClaim; silentForMs: number }
  /** Another sender is alive and on it: try again once its lease would have run out. */
  | { kind: "wait"; owner: string; retryAfterMs: number };

export interface ClaimDecisionInput {
  entry: ClaimEntry | null;
  nowMs: number;
  /** How long a `sending` claim stays valid without a renewal. */
  leaseMs: number;
  /** This instance's owner id. The caller guarantees it is not itself sending under this key now. */
  self: string;
}

/** Retrying a moment after the lease would have expired, not exactly on it. */
const LEASE_MARGIN_MS = 250;

/** Decides what a delivery does about its email from the claim it read. Pure. */
export function decideClaim({ entry, nowMs, leaseMs, self }: ClaimDecisionInput): ClaimDecision {
  if (!entry) return { kind: "create" };
  const { claim, revision } = entry;
  switch (claim.state) {
    case "sent":
      return { kind: "sent", messageId: claim.messageId, recipientDomain: claim.recipientDomain };
    case "failed":
      return { kind: "retake", revision, previous: claim };
    case "sending": {
      // our own claim, and we are not sending: a send of ours ended but could not say how (the claim
      // store was unreachable); a send that had succeeded is remembered in memory and never gets here
      if (claim.owner === self) {
        return { kind: "retake", revision, previous: claim };
      }
      // the server's timestamp of the last renewal, so other instances' clocks do not matter
      const silentForMs = nowMs - entry.storedAt.getTime();
      if (silentForMs >= leaseMs) return { kind: "takeover", revision, previous: claim, silentForMs };
      // a negative age is clock skew between us and the server: wait a full lease
      const remaining = silentForMs < 0 ? leaseMs : leaseMs - silentForMs;
      return { kind: "wait", owner: claim.owner, retryAfterMs: remaining + LEASE_MARGIN_MS };
    }
  }
}
