/** The object (or the bucket holding it) does not exist. */
export class BlobNotFoundError extends Error {
  override readonly name = "BlobNotFoundError";
  readonly code = "BLOB_NOT_FOUND";
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`blob ${bucket}/${key} not found`, options);
  }
}

/** The store could not be reached or refused the operation; the cause says why. */
export class BlobStoreError extends Error {
  override readonly name = "BlobStoreError";
  readonly code = "BLOB_STORE_UNAVAILABLE";
}

/** A bucket name or key that is not allowed (a programming error, never retried). */
export class InvalidBlobKeyError extends Error {
  override readonly name = "InvalidBlobKeyError";
  readonly code = "BLOB_KEY_INVALID";
}
