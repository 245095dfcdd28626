import { createInMemoryKvRecordStore } from "@reimagine/eventstore";
import { type IdempotencyEntry, IdempotencyRecord, type IdempotencyStore } from "./idempotency-store";
import { idempotencyStoreOver } from "./idempotency-store-over";

/** The same contract as the KV store, in one process: for unit tests and a single embedded instance. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly name = "memory";
  private readonly store: IdempotencyStore;

  constructor(ttlMs = 24 * 3600 * 1000, now: () => number = Date.now) {
    this.store = idempotencyStoreOver(
      createInMemoryKvRecordStore({ schema: IdempotencyRecord, ttlMs, now, name: this.name }),
    );
  }

  get(key: string): Promise<IdempotencyEntry | null> {
    return this.store.get(key);
  }

  create(key: string, record: IdempotencyRecord): Promise<number | null> {
    return this.store.create(key, record);
  }

  update(key: string, record: IdempotencyRecord, revision: number): Promise<number | null> {
    return this.store.update(key, record, revision);
  }

  waitForChange(key: string, revision: number, timeoutMs: number): Promise<void> {
    return this.store.waitForChange(key, revision, timeoutMs);
  }
}
