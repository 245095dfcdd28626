import type { JetStreamEventStore } from "@reimagine/core/eventstore";
import { openKvRecordStore } from "@reimagine/core/kv";
import type { ClaimStore } from "./claim-store";
import { claimStoreOver } from "./claim-store-over";
import { NotificationClaim } from "./notification-claim";

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
  const records = await openKvRecordStore(store.js, {
    bucket: claimBucketName(store.layout.stream),
    schema: NotificationClaim,
    replicas: options.replicas,
    description: "reimagine notifier: who sends which email (one key per request and retry)",
  });
  return claimStoreOver(records);
}
