import { JetStreamApiError, StorageType } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { JetStreamEventStore } from "@reimagine/core/eventstore";
import type { ClaimStore } from "./claim-store";
import { UnreadableClaimError } from "./claim-store";
import { type ClaimEntry, NotificationClaim } from "./notification-claim";

/** JetStream's "wrong last sequence": the key changed (or exists) since the revision we named. */
const WRONG_LAST_SEQUENCE = 10071;

/** The claims bucket that belongs to an event stream, so test streams and deployments never share one. */
export function claimBucketName(stream: string): string {
  return `${stream}_notifier_claims`;
}

/**
 * Opens (creating if needed) the claims bucket of the store's stream: a NATS JetStream KV bucket
 * on file storage with the stream's replica count, one revision per key and no age limit. Claims
 * are never deleted: a deleted claim could be created again by an instance that read the request
 * before UserNotified was appended, and that instance would send a second email.
 */
export async function openKvClaimStore(
  store: JetStreamEventStore,
  options: { replicas: number },
): Promise<ClaimStore> {
  const bucket = claimBucketName(store.layout.stream);
  const kv = await new Kvm(store.js).create(bucket, {
    history: 1,
    replicas: options.replicas,
    storage: StorageType.File,
    description: `reimagine notifier: who sends which email (one key per request and retry)`,
  });
  const encode = (claim: NotificationClaim) => JSON.stringify(NotificationClaim.parse(claim));
  // create and update name the revision they expect; losing that race is an answer, not an error
  const orNull = async (write: Promise<number>): Promise<number | null> => {
    try {
      return await write;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return null;
      throw err;
    }
  };

  return {
    name: `KV bucket ${bucket}`,

    async get(key: string): Promise<ClaimEntry | null> {
      const entry = await kv.get(key);
      if (entry?.operation !== "PUT") return null;
      let claim: NotificationClaim;
      try {
        claim = NotificationClaim.parse(entry.json());
      } catch (cause) {
        throw new UnreadableClaimError(key, { cause });
      }
      return { claim, revision: entry.revision, storedAt: entry.created };
    },

    async create(key, claim) {
      return orNull(kv.create(key, encode(claim)));
    },

    async update(key, claim, revision) {
      return orNull(kv.update(key, encode(claim), revision));
    },
  };
}
