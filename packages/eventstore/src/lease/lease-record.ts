import * as z from "zod";
import type { KvRecordEntry, KvRecordStore } from "../kv/kv-record-store";

const meta = {
  /** The instance that wrote this revision (host/pid/random). */
  owner: z.string().min(1).max(300),
  /** The writer's clock, for people reading the bucket; staleness uses the server's timestamp. */
  at: z.iso.datetime({ offset: true }),
};

/**
 * The schema of the records of one lease store, around the data `D` its users keep with a key:
 * - `held`: `owner` is doing the work right now and renews the record while it does,
 * - `done`: the work happened; never do it again,
 * - `failed`: the last attempt definitely did nothing, so the next one may take the key at once.
 */
export function leaseRecordSchema<D extends z.ZodType>(data: D) {
  return z.discriminatedUnion("state", [
    z.object({ state: z.literal("held"), ...meta, data, takeover: z.boolean() }),
    z.object({ state: z.literal("done"), ...meta, data }),
    z.object({ state: z.literal("failed"), ...meta, data, reason: z.string().max(2000) }),
  ]);
}

/** A lease record carrying `D` (see leaseRecordSchema). */
export type LeaseRecord<D> =
  | { state: "held"; owner: string; at: string; data: D; takeover: boolean }
  | { state: "done"; owner: string; at: string; data: D }
  | { state: "failed"; owner: string; at: string; data: D; reason: string };

/** Where leases live: a compare-and-set record store (a NATS KV bucket, or its in-memory twin). */
export type LeaseStore<D> = KvRecordStore<LeaseRecord<D>>;

/** A lease record as read back, with its revision and the server's timestamp. */
export type LeaseEntry<D> = KvRecordEntry<LeaseRecord<D>>;
