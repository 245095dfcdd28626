import { inSpan } from "@reimagine/platform";
import type { BlobInfo, BlobObject, BlobStore } from "./blob-store";

/** A BlobStore whose data operations each get a client span (bucket, key). */
export class TracedBlobStore implements BlobStore {
  constructor(readonly inner: BlobStore) {}

  get kind() {
    return this.inner.kind;
  }

  describe(): string {
    return this.inner.describe();
  }

  ensureBuckets(buckets: string[]): Promise<void> {
    return this.inner.ensureBuckets(buckets);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  put(bucket: string, key: string, body: Buffer, meta: { contentType: string }): Promise<void> {
    return this.span("put", bucket, key, () => this.inner.put(bucket, key, body, meta), body.length);
  }

  get(bucket: string, key: string): Promise<BlobObject> {
    return this.span("get", bucket, key, () => this.inner.get(bucket, key));
  }

  getBuffer(bucket: string, key: string): Promise<Buffer> {
    return this.span("get", bucket, key, () => this.inner.getBuffer(bucket, key));
  }

  stat(bucket: string, key: string): Promise<BlobInfo | null> {
    return this.span("stat", bucket, key, () => this.inner.stat(bucket, key));
  }

  remove(bucket: string, key: string): Promise<void> {
    return this.span("remove", bucket, key, () => this.inner.remove(bucket, key));
  }

  list(bucket: string, prefix: string): Promise<string[]> {
    return this.span("list", bucket, prefix, () => this.inner.list(bucket, prefix));
  }
  presignedGetUrl(bucket: string, key: string, expirySeconds: number): Promise<string | null> {
    return this.span("presign", bucket, key, () => this.inner.presignedGetUrl(bucket, key, expirySeconds));
  }

  private span<T>(
    op: string,
    bucket: string,
    key: string,
    work: () => Promise<T>,
    bytes?: number,
  ): Promise<T> {
    const attributes = {
      "reimagine.blob.store": this.inner.kind,
      "reimagine.blob.bucket": bucket,
      "reimagine.blob.key": key,
      ...(bytes === undefined ? {} : { "reimagine.blob.bytes": bytes }),
    };
    return inSpan(`blob.${op}`, attributes, work);
  }
}
