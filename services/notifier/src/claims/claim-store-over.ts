import { type KvRecordEntry, type KvRecordStore, KvRecordUnreadableError } from "@reimagine/eventstore";
import { type ClaimStore, UnreadableClaimError } from "./claim-store";
import type { ClaimEntry, NotificationClaim } from "./notification-claim";

/** A ClaimStore over a record store of claims; an unreadable record is an UnreadableClaimError. */
export function claimStoreOver(records: KvRecordStore<NotificationClaim>): ClaimStore {
  return {
    name: records.name,
    async get(key: string): Promise<ClaimEntry | null> {
      try {
        const entry = await records.get(key);
        return entry && claimEntry(entry);
      } catch (err) {
        if (err instanceof KvRecordUnreadableError) throw new UnreadableClaimError(key, { cause: err.cause });
        throw err;
      }
    },
    create: (key, claim) => records.create(key, claim),
    update: (key, claim, revision) => records.update(key, claim, revision),
  };
}

/** A stored record as the claim it holds. */
export function claimEntry({ value, revision, storedAt }: KvRecordEntry<NotificationClaim>): ClaimEntry {
  return { claim: value, revision, storedAt };
}
