import { createInMemoryKvRecordStore } from "@reimagine/eventstore";
import type { ClaimStore } from "./claim-store";
import { claimEntry, claimStoreOver } from "./claim-store-over";
import { type ClaimEntry, NotificationClaim } from "./notification-claim";

/**
 * The claim store's in-memory twin for unit tests: the same compare-and-set rules as the KV bucket
 * (revisions count up over the whole store, like stream sequences), with its own clock for storedAt.
 * `entries` reads what it holds without waiting, for assertions.
 */
export function createInMemoryClaimStore(now: () => number = Date.now): ClaimStore & {
  entries: { get(key: string): ClaimEntry | undefined };
} {
  const records = createInMemoryKvRecordStore({ schema: NotificationClaim, now, name: "in-memory claims" });
  const get = (key: string): ClaimEntry | undefined => {
    const entry = records.peek(key);
    return entry ? claimEntry(entry) : undefined;
  };
  return { ...claimStoreOver(records), entries: { get } };
}
