import { z } from "zod";

/**
 * What an Idempotency-Key stands for: the request id it was given, a hash of the body it came
 * with, and how far the attempt holding it got. `pending` claims expire after a lease, so a crashed
 * attempt never blocks the key for good.
 */
export const IdempotencyRecord = z.object({
  requestId: z.uuid(),
  bodyHash: z.string().regex(/^[0-9a-f]{64}$/),
  state: z.enum(["pending", "done", "failed"]),
  /** When the state was last written: the start of a pending claim's lease. */
  at: z.iso.datetime(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

/** A record with the revision a compare-and-set must name to replace it. */
export interface IdempotencyEntry {
  record: IdempotencyRecord;
  revision: number;
}

/**
 * Where Idempotency-Keys live. Writes are compare-and-set, so of two requests racing on one key
 * exactly one wins. Keys are opaque strings of [0-9a-f] (callers hash the client's key).
 */
export interface IdempotencyStore {
  /** Where the keys live, for logs. */
  readonly name: string;
  get(key: string): Promise<IdempotencyEntry | null>;
  /** Creates the record if the key is free: its revision, or null when the key is taken. */
  create(key: string, record: IdempotencyRecord): Promise<number | null>;
  /** Replaces the record if it is still at `revision`: the new revision, or null when it changed. */
  update(key: string, record: IdempotencyRecord, revision: number): Promise<number | null>;
  /** Resolves when the record moves past `revision`, or after `timeoutMs`, whichever comes first. */
  waitForChange(key: string, revision: number, timeoutMs: number): Promise<void>;
}
