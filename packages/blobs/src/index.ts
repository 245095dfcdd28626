export { assertValidBucket, assertValidKey } from "./blob-key";
export type { BlobInfo, BlobObject, BlobStore } from "./blob-store";
export { blobStoreCheck, bucketCheck } from "./bucket-check";
export { createBlobStore } from "./create-blob-store";
export { BlobNotFoundError, BlobStoreError, InvalidBlobKeyError } from "./errors";
export { LocalDiskBlobStore } from "./local-disk-blob-store";
export { parseS3Endpoint, S3BlobStore, type S3BlobStoreOptions } from "./s3-blob-store";
