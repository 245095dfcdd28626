import { join } from "node:path";
import { type Config, ConfigError, requireConfig } from "@reimagine/platform";
import type { BlobStore } from "./blob-store";
import { LocalDiskBlobStore } from "./local-disk-blob-store";
import { parseS3Endpoint, S3BlobStore } from "./s3-blob-store";
import { TracedBlobStore } from "./traced-blob-store";

/** S3/MinIO when S3_ENDPOINT is set, else the local disk under `${DATA_DIR}/blobs`. */
export function createBlobStore(config: Config): BlobStore {
  if (config.S3_ENDPOINT === undefined) {
    return new TracedBlobStore(new LocalDiskBlobStore(join(config.DATA_DIR, "blobs")));
  }
  // Anonymous S3 is never what an operator means; fail at start-up rather than on the first upload.
  requireConfig(config, "the S3 blob store", ["S3_ACCESS_KEY", "S3_SECRET_KEY"]);
  try {
    parseS3Endpoint(config.S3_ENDPOINT);
  } catch (err) {
    throw new ConfigError(`S3_ENDPOINT: ${(err as Error).message}`, { cause: err });
  }
  return new TracedBlobStore(
    new S3BlobStore({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKey: config.S3_ACCESS_KEY,
      secretKey: config.S3_SECRET_KEY,
    }),
  );
}
