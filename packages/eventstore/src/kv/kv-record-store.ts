import type * as z from "zod";

/** A record as read back: its value, the revision a compare-and-set must name, and the server's timestamp. */
export interface KvRecordEntry<T> {
  value: T;
  revision: number;
  storedAt: Date;
}

/**
 * Records under opaque keys, written compare-and-set so that of writers racing on one key exactly
 * one wins. Values are validated on the way in and on the way out.
 */
export interface KvRecordStore<T> {
  /** Where the records live, for logs. */
  readonly name: string;
  /** The record under `key`, or null when there is none (or it was deleted). */
  get(key: string): Promise<KvRecordEntry<T> | null>;
  /** Creates the record if the key is free: its revision, or null when the key is taken. */
  create(key: string, value: T): Promise<number | null>;
  /** Replaces the record if it is still at `revision`: the new revision, or null when it changed. */
  update(key: string, value: T, revision: number): Promise<number | null>;
  /** Resolves when the record moves past `revision`, or after `timeoutMs`, whichever comes first. */
  waitForChange(key: string, revision: number, timeoutMs: number): Promise<void>;
  /**
   * Removes the record for good: no tombstone, and its bytes overwritten on the server's disk (an
   * update or a KV delete/purge only unlinks the old bytes, which stay readable in the store's files
   * until compaction). True when there was a record. Only the latest revision is erased, so a record
   * that must be erasable is written once and never updated.
   */
  erase(key: string): Promise<boolean>;
  /** The keys that start with `prefix` (which ends with "."), in no particular order. */
  keys(prefix: string): Promise<string[]>;
}

/** The zod schema of a store's values: what a write must satisfy and what a read is checked against. */
export type KvRecordSchema<T> = z.ZodType<T>;

/** Throws unless `prefix` is a whole number of key tokens: non-empty and ending with ".". */
export function assertKeyPrefix(prefix: string): void {
  if (!/^[-/_=.a-zA-Z0-9]*\.$/.test(prefix) || prefix.startsWith(".")) {
    throw new TypeError(`a key prefix is whole tokens ending with ".", got ${JSON.stringify(prefix)}`);
  }
}
