import type { JetStreamClient } from "@nats-io/jetstream";
import { openKvRecordStore } from "@reimagine/eventstore";
import { IdempotencyStoreUnavailableError } from "./errors";
import { IdempotencyRecord, type IdempotencyStore } from "./idempotency-store";
import { idempotencyStoreOver } from "./idempotency-store-over";

/** The idempotency bucket of an event stream, so test streams and deployments never share one. */
export function idempotencyBucketName(stream: string): string {
  return `${stream}_idempotency`;
}

export interface KvIdempotencyOptions {
  /** The event stream's name; the bucket is named after it. */
  stream: string;
  /** How long a key is remembered (the bucket's max age; every write restarts it). */
  ttlMs: number;
  replicas: number;
}

/**
 * Opens (creating if needed) the Idempotency-Key bucket: a NATS JetStream KV bucket, one revision
 * per key, entries expiring after `ttlMs`. It lives next to the event log, not in Postgres, so the
 * command path depends on NATS and the blob store only.
 */
export async function openKvIdempotencyStore(
  js: JetStreamClient,
  options: KvIdempotencyOptions,
): Promise<IdempotencyStore> {
  const bucket = idempotencyBucketName(options.stream);
  try {
    const records = await openKvRecordStore(js, {
      bucket,
      schema: IdempotencyRecord,
      ttlMs: options.ttlMs,
      replicas: options.replicas,
      description: "reimagine command API: Idempotency-Key → request id and body hash",
    });
    return idempotencyStoreOver(records);
  } catch (cause) {
    throw new IdempotencyStoreUnavailableError(`cannot open the KV bucket ${bucket}`, { cause });
  }
}
