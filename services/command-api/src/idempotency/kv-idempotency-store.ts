import { JetStreamApiError, type JetStreamClient, StorageType } from "@nats-io/jetstream";
import { type KV, Kvm, KvWatchInclude } from "@nats-io/kv";
import { IdempotencyStoreUnavailableError } from "./errors";
import { type IdempotencyEntry, IdempotencyRecord, type IdempotencyStore } from "./idempotency-store";

/** JetStream's "wrong last sequence": the key exists, or changed since the revision we named. */
const WRONG_LAST_SEQUENCE = 10071;

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
  let kv: KV;
  try {
    kv = await new Kvm(js).create(bucket, {
      history: 1,
      ttl: options.ttlMs,
      replicas: options.replicas,
      storage: StorageType.File,
      description: "reimagine command API: Idempotency-Key → request id and body hash",
    });
  } catch (cause) {
    throw new IdempotencyStoreUnavailableError(`cannot open the KV bucket ${bucket}`, { cause });
  }
  return new KvIdempotencyStore(kv, bucket);
}

class KvIdempotencyStore implements IdempotencyStore {
  readonly name: string;

  constructor(
    private readonly kv: KV,
    bucket: string,
  ) {
    this.name = `KV bucket ${bucket}`;
  }

  async get(key: string): Promise<IdempotencyEntry | null> {
    const entry = await this.call("read", key, () => this.kv.get(key));
    if (entry?.operation !== "PUT") return null;
    const parsed = IdempotencyRecord.safeParse(safeJson(entry.string()));
    if (!parsed.success) {
      throw new IdempotencyStoreUnavailableError(`idempotency record ${key} is unreadable`, {
        cause: parsed.error,
      });
    }
    return { record: parsed.data, revision: entry.revision };
  }

  create(key: string, record: IdempotencyRecord): Promise<number | null> {
    return this.call("create", key, () => this.kv.create(key, encode(record)), true);
  }

  update(key: string, record: IdempotencyRecord, revision: number): Promise<number | null> {
    return this.call("update", key, () => this.kv.update(key, encode(record), revision), true);
  }

  async waitForChange(key: string, revision: number, timeoutMs: number): Promise<void> {
    // A push from JetStream from the revision after the one we saw: a change made between our read
    // and this watch is delivered too, so nothing is missed and nothing is polled.
    const watch = await this.call("watch", key, () =>
      this.kv.watch({ key, include: KvWatchInclude.AllHistory, resumeFromRevision: revision + 1 }),
    );
    const timer = setTimeout(() => watch.stop(), timeoutMs);
    try {
      for await (const entry of watch) {
        if (entry.revision > revision) break;
      }
    } finally {
      clearTimeout(timer);
      watch.stop();
    }
  }

  /** Runs a KV call; a lost compare-and-set is an answer (null) where `casAnswer`, anything else is an outage. */
  private async call<T>(what: string, key: string, op: () => Promise<T>, casAnswer: true): Promise<T | null>;
  private async call<T>(what: string, key: string, op: () => Promise<T>): Promise<T>;
  private async call<T>(
    what: string,
    key: string,
    op: () => Promise<T>,
    casAnswer = false,
  ): Promise<T | null> {
    try {
      return await op();
    } catch (err) {
      if (casAnswer && err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return null;
      throw new IdempotencyStoreUnavailableError(`cannot ${what} idempotency key ${key} in ${this.name}`, {
        cause: err,
      });
    }
  }
}

const encode = (record: IdempotencyRecord) => JSON.stringify(IdempotencyRecord.parse(record));

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
