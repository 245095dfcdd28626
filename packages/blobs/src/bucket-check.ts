import { randomUUID } from "node:crypto";
import type { PreflightCheck, PreflightResult } from "@reimagine/platform";
import type { BlobStore } from "./blob-store";

/**
 * `bucket <name>`: the bucket exists and takes a write, proven by storing and removing a small
 * probe object (`preflight/<uuid>`); a missing bucket or read-only credentials fail every upload.
 */
export function bucketCheck(blobs: BlobStore, bucket: string): PreflightCheck {
  return {
    name: `bucket ${bucket}`,
    async run(): Promise<PreflightResult> {
      const key = `preflight/${randomUUID()}`;
      try {
        await blobs.put(bucket, key, Buffer.from("reimagine preflight probe\n"), {
          contentType: "text/plain",
        });
      } catch (err) {
        return { status: "fail", detail: `${blobs.describe()}: ${why(err)}` };
      }
      await blobs.remove(bucket, key).catch(() => undefined);
      return { status: "ok", detail: `${blobs.describe()}: exists and is writable` };
    },
  };
}

/** `blob store`: it answers (for a service that only reads; the buckets are ensured at its start). */
export function blobStoreCheck(blobs: BlobStore): PreflightCheck {
  return {
    name: "blob store",
    async run(): Promise<PreflightResult> {
      await blobs.ping();
      return { status: "ok", detail: `${blobs.describe()}: answers` };
    },
  };
}

/** The innermost useful reason: S3's error code (NoSuchBucket, AccessDenied) or the message. */
function why(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Za-z]+$/.test(code)) {
      return code === "NoSuchBucket" ? "the bucket does not exist" : `${code}: ${message}`;
    }
    if (current instanceof Error && current.message) message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
