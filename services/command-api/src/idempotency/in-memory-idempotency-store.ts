import { EventEmitter } from "node:events";
import type { IdempotencyEntry, IdempotencyRecord, IdempotencyStore } from "./idempotency-store";

/** The same contract as the KV store, in one process: for unit tests and a single embedded instance. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly name = "memory";
  private readonly entries = new Map<string, IdempotencyEntry & { expiresAt: number }>();
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private sequence = 0;

  constructor(
    private readonly ttlMs = 24 * 3600 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<IdempotencyEntry | null> {
    const entry = this.live(key);
    return entry ? { record: structuredClone(entry.record), revision: entry.revision } : null;
  }

  async create(key: string, record: IdempotencyRecord): Promise<number | null> {
    if (this.live(key)) return null;
    return this.write(key, record);
  }

  async update(key: string, record: IdempotencyRecord, revision: number): Promise<number | null> {
    if (this.live(key)?.revision !== revision) return null;
    return this.write(key, record);
  }

  async waitForChange(key: string, revision: number, timeoutMs: number): Promise<void> {
    if ((this.live(key)?.revision ?? revision) !== revision) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changes.off(key, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.changes.on(key, done);
    });
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, record: IdempotencyRecord): number {
    // Revisions grow across keys, like the sequence numbers of a KV bucket.
    const revision = ++this.sequence;
    this.entries.set(key, { record: structuredClone(record), revision, expiresAt: this.now() + this.ttlMs });
    this.changes.emit(key);
    return revision;
  }
}
