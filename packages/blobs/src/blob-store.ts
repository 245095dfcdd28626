import type { Readable } from "node:stream";

/** What a store knows about a stored object. */
export interface BlobInfo {
  contentType: string;
  size: number;
}

/** An object being read: the bytes arrive as a stream so large blobs never sit in memory. */
export interface BlobObject extends BlobInfo {
  body: Readable;
}

/**
 * Where images live. Buckets and keys follow S3 naming (see blob-key.ts) on every adapter, so a key
 * that works on local disk works on S3 and back.
 */
export interface BlobStore {
  readonly kind: "s3" | "local-disk";
  /** One line for start-up logs; never contains a secret. */
  describe(): string;
  /** Creates the buckets that are missing; safe to call on every start. */
  ensureBuckets(buckets: string[]): Promise<void>;
  /** Stores the bytes under the key, replacing any previous object whole (readers never see a mix). */
  put(bucket: string, key: string, body: Buffer, meta: { contentType: string }): Promise<void>;
  /** Opens the object for reading; throws BlobNotFoundError when it does not exist. */
  get(bucket: string, key: string): Promise<BlobObject>;
  /** Reads the whole object into memory; throws BlobNotFoundError when it does not exist. */
  getBuffer(bucket: string, key: string): Promise<Buffer>;
  /** Returns size and content type, or null when the object does not exist. */
  stat(bucket: string, key: string): Promise<BlobInfo | null>;
  /** Deletes the object; deleting a missing object is not an error. */
  remove(bucket: string, key: string): Promise<void>;
  /** The keys of every object under `prefix` (whole segments, ending with "/"), at any depth. */
  list(bucket: string, prefix: string): Promise<string[]>;
  /** A URL that fetches the object without credentials, or null when the store cannot presign. */
  presignedGetUrl(bucket: string, key: string, expirySeconds: number): Promise<string | null>;
  /** Resolves when the store answers; throws BlobStoreError when it does not (readiness probes). */
  ping(): Promise<void>;
}

/** Collects a stream into one Buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
