import type { JetStreamEventStore } from "@reimagine/eventstore";
import { openKvRecordStore } from "@reimagine/eventstore";
import type { ClaimStore } from "./claim-store";
import { claimStoreOver } from "./claim-store-over";
import { NotificationClaim } from "./notification-claim";

/** The claims bucket that belongs to an event stream, so test streams and deployments never share one. */
export function claimBucketName(stream: string): string {
  return `${stream}_notifier_claims`;
}

/**
 * How long a claim is kept. A claim must outlive every delivery that could still be acting on an
 * old read of the request (at most HANDLER_MAX_ATTEMPTS × HANDLER_BACKOFF_MAX_MS, minutes), or an
 * instance that read the request before UserNotified was appended could claim it afresh and send
 * a second email; later deliveries and replays are stopped by UserNotified in the log itself.
 * Thirty days is far beyond that, and keeps the bucket from growing without bound.
 */
export const CLAIM_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Opens (creating if needed) the claims bucket of the store's stream: a NATS JetStream KV bucket
 * on file storage with the stream's replica count and one revision per key. Claims are never
 * deleted by the notifier; they expire after CLAIM_TTL_MS.
 */
export async function openKvClaimStore(
  store: JetStreamEventStore,
  options: { replicas: number },
): Promise<ClaimStore> {
  const records = await openKvRecordStore(store.js, {
    bucket: claimBucketName(store.layout.stream),
    schema: NotificationClaim,
    replicas: options.replicas,
    ttlMs: CLAIM_TTL_MS,
    description: "reimagine notifier: who sends which email (one key per request and retry)",
  });
  return claimStoreOver(records);
}
