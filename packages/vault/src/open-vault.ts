import { type JetStreamEventStore, openKvRecordStore } from "@reimagine/eventstore";
import { KeyRecord } from "./key-records";
import { createVault, type Vault } from "./vault";

/** The key bucket of an event stream: `<stream>_keys`. */
export const keyBucketName = (stream: string): string => `${stream}_keys`;

/**
 * The vault of the event store's stream, on the NATS KV bucket `<stream>_keys` next to the log (so
 * the command path needs nothing but NATS): file storage, `replicas` copies like the stream, one
 * revision per key, no expiry (a key lives until its request is forgotten).
 */
export async function openVault(store: JetStreamEventStore, options: { replicas: number }): Promise<Vault> {
  const records = await openKvRecordStore(store.js, {
    bucket: keyBucketName(store.layout.stream),
    schema: KeyRecord,
    replicas: options.replicas,
    description: "reimagine: per-request data keys of personal data; erasing one erases that data",
  });
  return createVault(records);
}
