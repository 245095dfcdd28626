import type { JetStreamClient } from "@nats-io/jetstream";
import type * as z from "zod";
import { createInMemoryKvRecordStore, type InMemoryKvRecordStore } from "../kv/in-memory-kv-record-store";
import type { KvRecordSchema } from "../kv/kv-record-store";
import { openKvRecordStore } from "../kv/open-kv-record-store";
import { type LeaseRecord, type LeaseStore, leaseRecordSchema } from "./lease-record";

export interface LeaseStoreOptions<D> {
  bucket: string;
  /** The schema of the data kept with each key. */
  data: z.ZodType<D>;
  /**
   * Reads records written in an earlier format into the current one (an upcaster), so a bucket
   * keeps working across an upgrade; tried when the current schema rejects a record.
   */
  legacy?: KvRecordSchema<LeaseRecord<D>>;
  /** How long a key is remembered after its last write; forever when absent. */
  ttlMs?: number;
  replicas: number;
  description: string;
}

/** The record schema of a lease store: the current format, else the legacy one. */
export function leaseStoreSchema<D>(options: Pick<LeaseStoreOptions<D>, "data" | "legacy">) {
  const current = leaseRecordSchema(options.data) as unknown as KvRecordSchema<LeaseRecord<D>>;
  return options.legacy ? (current.or(options.legacy) as KvRecordSchema<LeaseRecord<D>>) : current;
}

/** Opens (creating if needed) a lease store in a NATS JetStream KV bucket. */
export function openLeaseStore<D>(
  js: JetStreamClient,
  options: LeaseStoreOptions<D>,
): Promise<LeaseStore<D>> {
  return openKvRecordStore(js, { ...options, schema: leaseStoreSchema(options) });
}

/** The lease store's in-memory twin, for unit tests: the same compare-and-set rules and schema. */
export function createInMemoryLeaseStore<D>(
  options: Pick<LeaseStoreOptions<D>, "data" | "legacy" | "ttlMs"> & { now?: () => number },
): InMemoryKvRecordStore<LeaseRecord<D>> {
  return createInMemoryKvRecordStore({
    ...options,
    schema: leaseStoreSchema(options),
    name: "in-memory leases",
  });
}
