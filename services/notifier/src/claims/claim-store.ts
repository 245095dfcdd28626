import type { ClaimEntry, NotificationClaim } from "./notification-claim";

/**
 * Where notifier instances agree on who sends which email. Writes are compare-and-set, so of two
 * instances racing for a key exactly one wins; reads may be stale, which only costs a retry.
 */
export interface ClaimStore {
  /** Where the claims live, for logs. */
  readonly name: string;
  get(key: string): Promise<ClaimEntry | null>;
  /** Creates the claim if the key is free; the new revision, or null when another instance got there first. */
  create(key: string, claim: NotificationClaim): Promise<number | null>;
  /** Replaces the claim if it is still at `revision`; the new revision, or null when it changed meanwhile. */
  update(key: string, claim: NotificationClaim, revision: number): Promise<number | null>;
}

/** A claim that cannot be read; nobody can tell whether its email went out. */
export class UnreadableClaimError extends Error {
  override readonly name = "UnreadableClaimError";
  readonly code = "NOTIFICATION_CLAIM_UNREADABLE";
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`notification claim ${key} is not a valid claim`, options);
  }
}
