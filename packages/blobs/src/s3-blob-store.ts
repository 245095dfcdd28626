import type { IncomingHttpHeaders } from "node:http";
import type { Client } from "minio";
import { assertValidBucket, assertValidKey, assertValidPrefix } from "./blob-key";
import type { BlobInfo, BlobObject, BlobStore } from "./blob-store";
import { readAll } from "./blob-store";
import { BlobNotFoundError, BlobStoreError } from "./errors";

export interface S3BlobStoreOptions {
  /** e.g. http://minio:9000; the scheme decides TLS, a missing port means 80/443. */
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  /** How long ping waits for an answer before calling the store unreachable. */
  pingTimeoutMs?: number;
}

// HEAD answers carry no body, so a missing bucket and a missing key both arrive as "NotFound".
const NOT_FOUND = new Set(["NoSuchKey", "NotFound", "NoSuchBucket"]);
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && NOT_FOUND.has(code);
}

/** Splits an endpoint URL into the pieces the minio client wants. */
export function parseS3Endpoint(endpoint: string): { endPoint: string; port: number; useSSL: boolean } {
  const url = new URL(endpoint);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`S3 endpoint must be http(s), got ${endpoint}`);
  }
  if (url.pathname !== "/" && url.pathname !== "") {
    throw new TypeError(`S3 endpoint must not have a path, got ${endpoint}`);
  }
  const useSSL = url.protocol === "https:";
  return {
    endPoint: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
  };
}

/**
 * A BlobStore on S3 or MinIO through the minio client. The client (and with it the minio package,
 * ~15 MB of RSS once loaded) is made on the first call: a process that holds a store it may never
 * use (the projector without RETENTION_DAYS) does not pay for it.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3";
  private connecting: Promise<Client> | undefined;
  private readonly endpoint: ReturnType<typeof parseS3Endpoint>;
  private readonly pingTimeoutMs: number;

  constructor(private readonly options: S3BlobStoreOptions) {
    // A malformed endpoint still fails here, at construction, not on the first call.
    this.endpoint = parseS3Endpoint(options.endpoint);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
  }

  /** The minio client, made on first use. */
  private client(): Promise<Client> {
    this.connecting ??= import("minio").then(
      ({ Client }) =>
        new Client({
          ...this.endpoint,
          region: this.options.region,
          accessKey: this.options.accessKey,
          secretKey: this.options.secretKey,
          // Behind an IP or a compose service name, virtual-host buckets do not resolve.
          pathStyle: true,
          // Callers own the retry policy (handlers back off per message); minio's own retry also
          // writes to console.warn, outside the structured log.
          retryOptions: { disableRetry: true },
        }),
    );
    return this.connecting;
  }

  describe(): string {
    return `s3 ${new URL(this.options.endpoint).origin} (region ${this.options.region})`;
  }

  async ensureBuckets(buckets: string[]): Promise<void> {
    for (const bucket of buckets) assertValidBucket(bucket);
    for (const bucket of buckets) {
      try {
        const s3 = await this.client();
        if (await s3.bucketExists(bucket)) continue;
        await s3.makeBucket(bucket, this.options.region);
      } catch (err) {
        // Another instance starting at the same moment may have won the race.
        const code = errorCode(err);
        if (code === "BucketAlreadyOwnedByYou" || code === "BucketAlreadyExists") continue;
        throw new BlobStoreError(`cannot create bucket ${bucket}`, { cause: err });
      }
    }
  }

  async put(bucket: string, key: string, body: Buffer, meta: { contentType: string }): Promise<void> {
    this.check(bucket, key);
    try {
      const s3 = await this.client();
      await s3.putObject(bucket, key, body, body.length, {
        "Content-Type": meta.contentType,
      });
    } catch (err) {
      throw new BlobStoreError(`cannot store ${bucket}/${key}`, { cause: err });
    }
  }

  async get(bucket: string, key: string): Promise<BlobObject> {
    this.check(bucket, key);
    try {
      const s3 = await this.client();
      const body = await s3.getObject(bucket, key);
      // A connection that breaks mid-body fails whoever reads it; one nobody reads must not crash us.
      body.on("error", () => undefined);
      // minio hands back the HTTP response itself; its headers save a second (racy) HEAD request.
      const headers: IncomingHttpHeaders = (body as { headers?: IncomingHttpHeaders }).headers ?? {};
      const length = Number(headers["content-length"]);
      return {
        body,
        contentType: headers["content-type"] ?? "application/octet-stream",
        // S3 and MinIO always send the length; a proxy that re-chunks the body may drop it.
        size: Number.isFinite(length) ? length : (await s3.statObject(bucket, key)).size,
      };
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(bucket, key, { cause: err });
      throw new BlobStoreError(`cannot read ${bucket}/${key}`, { cause: err });
    }
  }

  async getBuffer(bucket: string, key: string): Promise<Buffer> {
    const { body } = await this.get(bucket, key);
    try {
      return await readAll(body);
    } catch (err) {
      throw new BlobStoreError(`lost the connection while reading ${bucket}/${key}`, { cause: err });
    }
  }

  async stat(bucket: string, key: string): Promise<BlobInfo | null> {
    this.check(bucket, key);
    try {
      const s3 = await this.client();
      const s = await s3.statObject(bucket, key);
      return { contentType: String(s.metaData["content-type"] ?? "application/octet-stream"), size: s.size };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new BlobStoreError(`cannot stat ${bucket}/${key}`, { cause: err });
    }
  }

  async remove(bucket: string, key: string): Promise<void> {
    this.check(bucket, key);
    try {
      const s3 = await this.client();
      await s3.removeObject(bucket, key);
    } catch (err) {
      if (isNotFound(err)) return;
      throw new BlobStoreError(`cannot remove ${bucket}/${key}`, { cause: err });
    }
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    assertValidBucket(bucket);
    assertValidPrefix(prefix);
    const keys: string[] = [];
    try {
      const s3 = await this.client();
      for await (const item of s3.listObjectsV2(bucket, prefix, true)) {
        if (item.name) keys.push(item.name);
      }
    } catch (err) {
      if (isNotFound(err)) return keys;
      throw new BlobStoreError(`cannot list ${bucket}/${prefix}`, { cause: err });
    }
    return keys;
  }

  async presignedGetUrl(bucket: string, key: string, expirySeconds: number): Promise<string | null> {
    this.check(bucket, key);
    if (!Number.isInteger(expirySeconds) || expirySeconds < 1 || expirySeconds > MAX_PRESIGN_SECONDS) {
      throw new RangeError(`expirySeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}`);
    }
    try {
      const s3 = await this.client();
      // Signing is local (the region is configured), so this never waits on the network.
      return await s3.presignedGetObject(bucket, key, expirySeconds);
    } catch (err) {
      throw new BlobStoreError(`cannot presign ${bucket}/${key}`, { cause: err });
    }
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BlobStoreError(`${this.describe()} did not answer in ${this.pingTimeoutMs} ms`)),
        this.pingTimeoutMs,
      );
    });
    try {
      await Promise.race([this.client().then((c) => c.listBuckets()), timeout]);
    } catch (err) {
      if (err instanceof BlobStoreError) throw err;
      // Credentials scoped to a few buckets may not list them all; the server still answered.
      if (errorCode(err) === "AccessDenied") return;
      throw new BlobStoreError(`${this.describe()} is unreachable`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  private check(bucket: string, key: string): void {
    assertValidBucket(bucket);
    assertValidKey(key);
  }
}
