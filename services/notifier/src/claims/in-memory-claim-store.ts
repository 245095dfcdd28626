import type { ClaimStore } from "./claim-store";
import { type ClaimEntry, NotificationClaim } from "./notification-claim";

/**
 * The claim store's in-memory twin for unit tests: the same compare-and-set rules as the KV bucket
 * (revisions count up over the whole store, like stream sequences), with its own clock for storedAt.
 */
export function createInMemoryClaimStore(now: () => number = Date.now): ClaimStore & {
  entries: Map<string, ClaimEntry>;
} {
  const entries = new Map<string, ClaimEntry>();
  let sequence = 0;
  const write = (key: string, claim: NotificationClaim): number => {
    sequence += 1;
    // stored as the KV bucket would: validated, and a copy the caller cannot change afterwards
    entries.set(key, {
      claim: NotificationClaim.parse(claim),
      revision: sequence,
      storedAt: new Date(now()),
    });
    return sequence;
  };
  return {
    name: "in-memory claims",
    entries,
    async get(key) {
      const entry = entries.get(key);
      return entry ? structuredClone(entry) : null;
    },
    async create(key, claim) {
      return entries.has(key) ? null : write(key, claim);
    },
    async update(key, claim, revision) {
      return entries.get(key)?.revision === revision ? write(key, claim) : null;
    },
  };
}
