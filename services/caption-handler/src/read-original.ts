import { BlobNotFoundError, type BlobStore, InvalidBlobKeyError } from "@reimagine/blobs";
import type { RequestState } from "@reimagine/contracts";
import { StageInputError } from "@reimagine/reactor";
import type { ImageInput } from "./captioners/captioner";

/**
 * The request's original image from the originals bucket. A missing object (or an unusable key)
 * fails the stage at once; any other blob store error is thrown as is and retried.
 */
export async function readOriginal(
  blobs: BlobStore,
  bucket: string,
  state: RequestState,
): Promise<ImageInput> {
  const key = state.originalKey;
  if (!key) throw new StageInputError(`request ${state.requestId} names no original image`);
  try {
    const bytes = await blobs.getBuffer(bucket, key);
    return { bytes, contentType: state.originalContentType ?? "application/octet-stream" };
  } catch (err) {
    if (err instanceof BlobNotFoundError || err instanceof InvalidBlobKeyError) {
      throw new StageInputError(`original image ${bucket}/${key} is missing from the blob store`, {
        cause: err,
      });
    }
    throw err;
  }
}
