import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { createBlobStore } from "./create-blob-store";
import { LocalDiskBlobStore } from "./local-disk-blob-store";
import { S3BlobStore } from "./s3-blob-store";
import { TracedBlobStore } from "./traced-blob-store";

describe("createBlobStore", () => {
  it("uses the local disk under DATA_DIR/blobs when S3_ENDPOINT is unset", () => {
    const store = createBlobStore(loadConfig({ DATA_DIR: "/var/lib/reimagine" }, {}));
    expect(store).toBeInstanceOf(TracedBlobStore);
    const inner = (store as TracedBlobStore).inner;
    expect(inner).toBeInstanceOf(LocalDiskBlobStore);
    expect(store.kind).toBe("local-disk");
    expect((inner as LocalDiskBlobStore).root).toBe(resolve(join("/var/lib/reimagine", "blobs")));
  });

  it("uses S3 when S3_ENDPOINT is set", () => {
    const store = createBlobStore(
      loadConfig({ S3_ENDPOINT: "http://minio:9000", S3_ACCESS_KEY: "ak", S3_SECRET_KEY: "sk" }, {}),
    );
    expect((store as TracedBlobStore).inner).toBeInstanceOf(S3BlobStore);
    expect(store.kind).toBe("s3");
    expect(store.describe()).toBe("s3 http://minio:9000 (region us-east-1)");
  });

  it("names the missing credentials", () => {
    expect(() => createBlobStore(loadConfig({ S3_ENDPOINT: "http://minio:9000" }, {}))).toThrow(
      /S3_ACCESS_KEY, S3_SECRET_KEY/,
    );
  });

  it("rejects an endpoint with a path as a configuration error", () => {
    const config = loadConfig(
      { S3_ENDPOINT: "http://minio:9000/bucket", S3_ACCESS_KEY: "ak", S3_SECRET_KEY: "sk" },
      {},
    );
    expect(() => createBlobStore(config)).toThrow(ConfigError);
    expect(() => createBlobStore(config)).toThrow(/S3_ENDPOINT/);
  });
});
