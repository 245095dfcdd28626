import { EventEmitter } from "node:events";
import {
  assertKeyPrefix,
  type KvRecordEntry,
  type KvRecordSchema,
  type KvRecordStore,
} from "./kv-record-store";

export interface InMemoryKvRecordStoreOptions<T> {
  schema: KvRecordSchema<T>;
  /** Like the bucket's max age: a key is forgotten this long after its last write; never when absent. */
  ttlMs?: number;
  /** The clock for `storedAt` and expiry. */
  now?: () => number;
  /** Where the records live, for logs. */
  name?: string;
}

/** A KvRecordStore in one process, with a synchronous look at what it holds (for tests). */
export interface InMemoryKvRecordStore<T> extends KvRecordStore<T> {
  /** The live record under `key`, as stored (not a copy), or null. */
  peek(key: string): KvRecordEntry<T> | null;
}

/**
 * The KV record store's in-memory twin, for unit tests and a single embedded instance: the same
 * compare-and-set rules, validation and expiry, with revisions counting up over the whole store
 * like the sequence numbers of a KV bucket.
 */
export function createInMemoryKvRecordStore<T>({
  schema,
  ttlMs,
  now = Date.now,
  name = "memory",
}: InMemoryKvRecordStoreOptions<T>): InMemoryKvRecordStore<T> {
  const entries = new Map<string, KvRecordEntry<T> & { expiresAt: number }>();
  const changes = new EventEmitter().setMaxListeners(0);
  let sequence = 0;

  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const peek = (key: string): KvRecordEntry<T> | null => {
    const entry = live(key);
    return entry ? { value: entry.value, revision: entry.revision, storedAt: entry.storedAt } : null;
  };
  const write = (key: string, value: T): number => {
    // stored as the KV bucket would: validated, and a copy the caller cannot change afterwards
    const stored = structuredClone(schema.parse(value));
    const revision = ++sequence;
    const expiresAt = ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs;
    entries.set(key, { value: stored, revision, storedAt: new Date(now()), expiresAt });
    changes.emit(key);
    return revision;
  };

  return {
    name,

    peek,

    async get(key) {
      return structuredClone(peek(key));
    },

    async create(key, value) {
      return live(key) ? null : write(key, value);
    },

    async update(key, value, revision) {
      return live(key)?.revision === revision ? write(key, value) : null;
    },

    async erase(key) {
      const existed = live(key) !== undefined;
      entries.delete(key);
      if (existed) changes.emit(key);
      return existed;
    },
    async keys(prefix) {
      assertKeyPrefix(prefix);
      return [...entries.keys()].filter((key) => key.startsWith(prefix) && live(key));
    },
    async waitForChange(key, revision, timeoutMs) {
      if ((live(key)?.revision ?? revision) !== revision) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          changes.off(key, done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        changes.on(key, done);
      });
    },
  };
}
