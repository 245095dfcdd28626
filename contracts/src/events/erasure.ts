import * as z from "zod";

/** An object the system removed from a bucket: which bucket (by role) and its key. */
export const RemovedBlob = z.object({
  bucket: z.enum(["originals", "generated"]),
  key: z.string().min(1).max(1024),
});
export type RemovedBlob = z.infer<typeof RemovedBlob>;

/**
 * An operator erased the person's data from a request (`reimagine forget`): the data key is gone, so
 * the sealed address in the log no longer opens, and the images are removed. Holds no personal data.
 */
export const ErasureCompletedV1 = z.object({
  requestedBy: z.string().min(1).max(200),
  /** False when there was no key to erase: a version-1 request, or a key erased before. */
  keyErased: z.boolean(),
  removed: z.array(RemovedBlob).max(1000),
  /**
   * True when the log itself still holds personal data in clear text: the address of a version-1
   * ImageSubmitted, or a webhook URL written before it was sealed.
   */
  clearTextInLog: z.boolean(),
});
export type ErasureCompleted = z.infer<typeof ErasureCompletedV1>;

/** The retention sweep removed a request's images RETENTION_DAYS after its submission. */
export const ImagesExpiredV1 = z.object({
  retentionDays: z.number().int().positive(),
  removed: z.array(RemovedBlob).max(1000),
});
export type ImagesExpired = z.infer<typeof ImagesExpiredV1>;
