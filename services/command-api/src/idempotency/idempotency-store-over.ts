import { type KvRecordStore, KvRecordUnreadableError } from "@reimagine/eventstore";
import { IdempotencyStoreUnavailableError } from "./errors";
import type { IdempotencyRecord, IdempotencyStore } from "./idempotency-store";

/**
 * An IdempotencyStore over a record store. Every failure, an unreadable record included, is the store
 * being unavailable: guessing what a key stood for could register a request twice.
 */
export function idempotencyStoreOver(records: KvRecordStore<IdempotencyRecord>): IdempotencyStore {
  const unavailable =
    (what: string, key: string) =>
    (cause: unknown): never => {
      const message =
        cause instanceof KvRecordUnreadableError
          ? `idempotency record ${key} is unreadable`
          : `cannot ${what} idempotency key ${key} in ${records.name}`;
      throw new IdempotencyStoreUnavailableError(message, { cause });
    };
  return {
    name: records.name,
    async get(key) {
      const entry = await records.get(key).catch(unavailable("read", key));
      return entry && { record: entry.value, revision: entry.revision };
    },
    create: (key, record) => records.create(key, record).catch(unavailable("create", key)),
    update: (key, record, revision) =>
      records.update(key, record, revision).catch(unavailable("update", key)),
    waitForChange: (key, revision, timeoutMs) =>
      records.waitForChange(key, revision, timeoutMs).catch(unavailable("watch", key)),
  };
}
