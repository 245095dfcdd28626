import {
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm, KvWatchInclude } from "@nats-io/kv";
import { rideThrough } from "../ride-through";
import {
  assertKeyPrefix,
  type KvRecordEntry,
  type KvRecordSchema,
  type KvRecordStore,
} from "./kv-record-store";

/** JetStream's "wrong last sequence": the key exists, or changed since the revision we named. */
const WRONG_LAST_SEQUENCE = 10071;
/** The header a KV delete or purge marker carries; a put has none. */
const KV_OPERATION = "KV-Operation";
/** JetStream's "no message found": the revision we meant to erase is gone already. */
const NO_MESSAGE_FOUND = 10037;

export interface KvRecordStoreOptions<T> {
  bucket: string;
  schema: KvRecordSchema<T>;
  /** How long a key is remembered (the bucket's max age; every write restarts it); forever when absent. */
  ttlMs?: number;
  replicas: number;
  /** The bucket's description, for people looking at the server. */
  description: string;
}

/**
 * Opens (creating if needed) a NATS JetStream KV bucket of JSON records: file storage, one revision
 * per key, create and update as compare-and-set on the key's revision. Errors other than a lost race
 * are NATS's own.
 */
export async function openKvRecordStore<T>(
  js: JetStreamClient,
  options: KvRecordStoreOptions<T>,
): Promise<KvRecordStore<T>> {
  const { bucket, schema } = options;
  const kv = await new Kvm(js).create(bucket, {
    history: 1,
    ...(options.ttlMs === undefined ? {} : { ttl: options.ttlMs }),
    replicas: options.replicas,
    storage: StorageType.File,
    description: options.description,
  });
  await keepTtl(js, kv, options.ttlMs ?? 0);
  const jsm = await js.jetstreamManager();
  const name = `KV bucket ${bucket}`;
  const encode = (value: T) => JSON.stringify(schema.parse(value));

  return {
    name,

    // Each of these rides through an election of the bucket's leader (rideThrough): a read is
    // safe to repeat, and a create or update that landed although its answer was lost comes back
    // as a lost race (null), which the lease protocol decides again by reading the key.
    async get(key: string): Promise<KvRecordEntry<T> | null> {
      // A direct get, which any replica may answer: a record found is used (every write is a
      // compare-and-set on its revision, so an older one costs a lost race, never a second
      // holder). A replica still behind may miss a record just written, so "no record" is what
      // the bucket's leader says.
      const entry = await rideThrough(() => kv.get(key));
      if (entry?.operation === "PUT") {
        return { value: decode(entry, key, schema, name), revision: entry.revision, storedAt: entry.created };
      }
      return rideThrough(() => leaderGet(jsm, bucket, key, schema, name));
    },

    create: (key, value) => rideThrough(() => orNull(async () => kv.create(key, encode(value)))),

    update: (key, value, revision) =>
      rideThrough(() => orNull(async () => kv.update(key, encode(value), revision))),

    waitForChange: (key, revision, timeoutMs) => waitForChange(kv, key, revision, timeoutMs),
    erase: (key) => erase(js, kv, `KV_${bucket}`, key),
    async keys(prefix) {
      assertKeyPrefix(prefix);
      const keys: string[] = [];
      for await (const key of await kv.keys(`${prefix}>`)) keys.push(key);
      return keys;
    },
  };
}

/**
 * Deletes the key's message with the server's secure erase, which overwrites it on disk; a KV delete
 * or purge would only add a marker and unlink the old bytes. Measured on nats-server 2.9.10 (file
 * storage): after this, neither the value nor the key's subject is found in the stream's files.
 */
async function erase(js: JetStreamClient, kv: KV, stream: string, key: string): Promise<boolean> {
  const jsm = await js.jetstreamManager();
  for (let attempt = 1; ; attempt++) {
    const entry = await kv.get(key);
    if (entry?.operation !== "PUT") return false;
    try {
      return await jsm.streams.deleteMessage(stream, entry.revision, true);
    } catch (err) {
      // Rewritten or erased by someone else since we read it: look again.
      if (attempt < 3 && err instanceof JetStreamApiError && err.code === NO_MESSAGE_FOUND) continue;
      throw err;
    }
  }
}

/** The key's record as the bucket's leader has it (a stream message get, which only the leader answers). */
async function leaderGet<T>(
  jsm: JetStreamManager,
  bucket: string,
  key: string,
  schema: KvRecordSchema<T>,
  store: string,
): Promise<KvRecordEntry<T> | null> {
  const sm = await jsm.streams.getMessage(`KV_${bucket}`, { last_by_subj: `$KV.${bucket}.${key}` });
  const operation = sm?.header?.get(KV_OPERATION) || "PUT";
  if (sm === null || operation !== "PUT") return null;
  return { value: decode(sm, key, schema, store), revision: sm.seq, storedAt: sm.time };
}

/** A record's value as its schema reads it, from a KV entry or a stream message alike. */
function decode<T>(stored: { json(): unknown }, key: string, schema: KvRecordSchema<T>, store: string): T {
  try {
    return schema.parse(stored.json());
  } catch (cause) {
    throw new KvRecordUnreadableError(key, store, { cause });
  }
}

/** Create and update name the revision they expect: losing that race is an answer (null), not an error. */
async function orNull(write: () => Promise<number>): Promise<number | null> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return null;
    throw err;
  }
}

async function waitForChange(kv: KV, key: string, revision: number, timeoutMs: number): Promise<void> {
  // A push from JetStream from the revision after the one we saw: a change made between our read
  // and this watch is delivered too, so nothing is missed and nothing is polled.
  const watch = await kv.watch({ key, include: KvWatchInclude.AllHistory, resumeFromRevision: revision + 1 });
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

/**
 * Opening an existing bucket keeps the limits it was created with, so a changed TTL (or one added
 * in a later release) is applied to the bucket's stream here.
 */
async function keepTtl(js: JetStreamClient, kv: KV, ttlMs: number): Promise<void> {
  const status = await kv.status();
  if (status.ttl === ttlMs) return;
  const jsm = await js.jetstreamManager();
  await jsm.streams.update(status.streamInfo.config.name, { max_age: ttlMs * 1_000_000 });
}

/** A stored record that is not valid JSON or fails its schema: nobody can tell what it meant. */
export class KvRecordUnreadableError extends Error {
  override readonly name = "KvRecordUnreadableError";
  readonly code = "KV_RECORD_UNREADABLE";

  constructor(
    readonly key: string,
    store: string,
    options?: { cause?: unknown },
  ) {
    super(`record ${key} in ${store} is unreadable`, options);
  }
}
