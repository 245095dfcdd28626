import type { BlobStore } from "@reimagine/blobs";
import type { AnyDomainEvent, RemovedBlob } from "@reimagine/contracts";

/** The two buckets by role, as configured (S3_BUCKET_ORIGINALS, S3_BUCKET_GENERATED). */
export interface RequestBuckets {
  originals: string;
  generated: string;
}

/**
 * Removes every object of a request from both buckets: those its events name, and whatever else is
 * stored under `<requestId>/` (an image of an unrecorded run, an original whose append failed).
 * Returns exactly what was there and is now gone.
 */
export async function removeRequestBlobs(
  blobs: BlobStore,
  buckets: RequestBuckets,
  requestId: string,
  events: readonly AnyDomainEvent[],
): Promise<RemovedBlob[]> {
  const named: Record<RemovedBlob["bucket"], Set<string>> = { originals: new Set(), generated: new Set() };
  for (const e of events) {
    if (e.type === "ImageSubmitted") named.originals.add(e.data.originalKey);
    if (e.type === "ImageGenerated") named.generated.add(e.data.imageKey);
  }
  const removed: RemovedBlob[] = [];
  for (const role of ["originals", "generated"] as const) {
    const bucket = buckets[role];
    const present = new Set(await blobs.list(bucket, `${requestId}/`));
    for (const key of named[role]) if (!present.has(key) && (await blobs.stat(bucket, key))) present.add(key);
    for (const key of [...present].sort()) {
      await blobs.remove(bucket, key);
      removed.push({ bucket: role, key });
    }
  }
  return removed;
}
