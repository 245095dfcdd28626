import {
  createInMemoryLeaseStore,
  type JetStreamEventStore,
  type LeaseRecord,
  type LeaseStore,
  openLeaseStore,
} from "@reimagine/eventstore";
import type { Config } from "@reimagine/platform";
import * as z from "zod";
import { IdempotencyStoreUnavailableError } from "./errors";

/** What an Idempotency-Key stands for: the request id it was given and a hash of the body it came with. */
export const IdempotencyData = z.object({
  requestId: z.uuid(),
  bodyHash: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * The request's cancel token, chosen with the key: every attempt and every replay under the key
   * answers with the same one (the log holds only its hash). Absent in records written before it.
   */
  cancelToken: z.string().min(1).max(200).optional(),
});
export type IdempotencyData = z.infer<typeof IdempotencyData>;

/**
 * Where Idempotency-Keys live: a lease store (packages/eventstore/src/lease), so of two requests
 * racing on one key exactly one records, and an attempt that dies holding a key is taken over once
 * it stops renewing. Keys are opaque hex strings (callers hash the client's key).
 */
export type IdempotencyStore = LeaseStore<IdempotencyData>;

/** Records as the API wrote them before the lease protocol (`pending`/`done`/`failed`), read as lease records. */
const LegacyIdempotencyRecord = z
  .object({
    requestId: z.uuid(),
    bodyHash: z.string().regex(/^[0-9a-f]{64}$/),
    state: z.enum(["pending", "done", "failed"]),
    at: z.iso.datetime(),
  })
  .transform(({ requestId, bodyHash, state, at }): LeaseRecord<IdempotencyData> => {
    const base = { owner: "earlier-release", at, data: { requestId, bodyHash } };
    if (state === "done") return { state: "done", ...base };
    if (state === "failed") return { state: "failed", ...base, reason: "attempt failed" };
    return { state: "held", ...base, takeover: false };
  });

/** The idempotency bucket of an event stream, so test streams and deployments never share one. */
export function idempotencyBucketName(stream: string): string {
  return `${stream}_idempotency`;
}

/**
 * Opens (creating if needed) the Idempotency-Key bucket of the store's stream: a NATS KV bucket next
 * to the event log, not in Postgres, so the command path depends on NATS and the blob store only.
 * Keys are forgotten IDEMPOTENCY_TTL_MS after their last write.
 */
export async function openIdempotencyStore(
  store: JetStreamEventStore,
  config: Pick<Config, "IDEMPOTENCY_TTL_MS" | "NATS_REPLICAS">,
): Promise<IdempotencyStore> {
  const bucket = idempotencyBucketName(store.layout.stream);
  try {
    return await openLeaseStore(store.js, {
      bucket,
      data: IdempotencyData,
      legacy: LegacyIdempotencyRecord,
      ttlMs: config.IDEMPOTENCY_TTL_MS,
      replicas: config.NATS_REPLICAS,
      description: "reimagine command API: Idempotency-Key → request id and body hash",
    });
  } catch (cause) {
    throw new IdempotencyStoreUnavailableError(`cannot open the KV bucket ${bucket}`, { cause });
  }
}

/** The store's in-memory twin, for unit tests and a single embedded instance. */
export function createInMemoryIdempotencyStore(options: { ttlMs?: number; now?: () => number } = {}) {
  return createInMemoryLeaseStore({ data: IdempotencyData, legacy: LegacyIdempotencyRecord, ...options });
}
