import {
  createInMemoryLeaseStore,
  type JetStreamEventStore,
  type LeaseRecord,
  type LeaseStore,
  openLeaseStore,
} from "@reimagine/eventstore";
import * as z from "zod";

/** What a notification claim keeps with its key: the email's Message-ID and where it went. */
export const ClaimData = z.object({
  messageId: z.string().min(1).max(998),
  recipientDomain: z.string().min(1).max(253),
});
export type ClaimData = z.infer<typeof ClaimData>;

/** Where notifier instances agree on who sends which email: a lease store of ClaimData. */
export type ClaimStore = LeaseStore<ClaimData>;

/**
 * Claims as the notifier wrote them before the lease protocol (`sending`/`sent`/`failed` with the
 * data inline), read as lease records so a bucket filled by an older release keeps its promises.
 */
const LegacyClaim = z
  .discriminatedUnion("state", [
    z.object({ state: z.literal("sending"), takeover: z.boolean() }),
    z.object({ state: z.literal("sent") }),
    z.object({ state: z.literal("failed"), reason: z.string() }),
  ])
  .and(z.object({ owner: z.string().min(1), at: z.iso.datetime({ offset: true }) }).and(ClaimData))
  .transform((old): LeaseRecord<ClaimData> => {
    const base = {
      owner: old.owner,
      at: old.at,
      data: { messageId: old.messageId, recipientDomain: old.recipientDomain },
    };
    if (old.state === "sent") return { state: "done", ...base };
    if (old.state === "failed") return { state: "failed", ...base, reason: old.reason };
    return { state: "held", ...base, takeover: old.takeover };
  });

/**
 * The key of one email: the request and how many notification retries it had. An operator's retry
 * after NotificationFailed gets a fresh key, so it can send again; everything else shares one.
 */
export function claimKey(requestId: string, notificationRetries: number): string {
  return `${requestId}.${notificationRetries}`;
}

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
const CLAIM_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Opens (creating if needed) the claims bucket of the store's stream: a NATS JetStream KV bucket
 * on file storage with the stream's replica count and one revision per key. Claims are never
 * deleted by the notifier; they expire after CLAIM_TTL_MS.
 */
export function openClaimStore(
  store: JetStreamEventStore,
  options: { replicas: number },
): Promise<ClaimStore> {
  return openLeaseStore(store.js, {
    bucket: claimBucketName(store.layout.stream),
    data: ClaimData,
    legacy: LegacyClaim,
    replicas: options.replicas,
    ttlMs: CLAIM_TTL_MS,
    description: "reimagine notifier: who sends which email (one key per request and retry)",
  });
}

/** The claim store's in-memory twin for unit tests (with its own clock for the server timestamps). */
export function createInMemoryClaimStore(now: () => number = Date.now) {
  return createInMemoryLeaseStore({ data: ClaimData, legacy: LegacyClaim, now });
}

/** Another sender holds the email's claim and is alive: try again once its lease would have run out. */
export class ClaimHeldError extends Error {
  override readonly name = "ClaimHeldError";
  readonly code = "NOTIFICATION_CLAIM_HELD";
  /** Read by the handler runtime: the delay before the next attempt is at least this. */
  readonly retryAfterMs: number;

  constructor(
    readonly key: string,
    readonly owner: string,
    retryAfterMs: number,
  ) {
    super(`notification ${key} is being sent by ${owner}; trying again in ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}
