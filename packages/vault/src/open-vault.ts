import {
  createInMemoryKvRecordStore,
  isStreamNotFound,
  type JetStreamEventStore,
  openKvRecordStore,
} from "@reimagine/eventstore";
import { KeyRecord } from "./key-records";
import { createVault, type Vault } from "./vault";

/** The key bucket of an event stream: `<stream>_keys`. */
export const keyBucketName = (stream: string): string => `${stream}_keys`;

/**
 * The vault of the event store's stream, on the NATS KV bucket `<stream>_keys` next to the log (so
 * the command path needs nothing but NATS): file storage, `replicas` copies like the stream, one
 * revision per key, no expiry (a key lives until its request is forgotten). `readOnly` (an audit)
 * opens it only if it exists and never creates it.
 */
export async function openVault(
  store: JetStreamEventStore,
  options: { replicas: number; readOnly?: boolean },
): Promise<Vault> {
  const bucket = keyBucketName(store.layout.stream);
  if (options.readOnly && !(await bucketExists(store, bucket))) {
    // Read-only tools create nothing: without the bucket no address can be opened, as after losing it.
    return createVault(createInMemoryKvRecordStore({ schema: KeyRecord, name: `no KV bucket ${bucket}` }));
  }
  const records = await openKvRecordStore(store.js, {
    bucket,
    schema: KeyRecord,
    replicas: options.replicas,
    description: "reimagine: per-request data keys of personal data; erasing one erases that data",
  });
  return createVault(records);
}

async function bucketExists(store: JetStreamEventStore, bucket: string): Promise<boolean> {
  try {
    await store.jsm.streams.info(`KV_${bucket}`);
    return true;
  } catch (err) {
    if (isStreamNotFound(err)) return false;
    throw err;
  }
}
