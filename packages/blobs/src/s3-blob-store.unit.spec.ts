import { describe, expect, it } from "vitest";
import { S3BlobStore } from "./s3-blob-store";

describe("S3BlobStore", () => {
  // The minio client is made on the first call; a bad endpoint must not wait for that.
  it("refuses a malformed endpoint when constructed, before any call", () => {
    const options = { region: "us-east-1", accessKey: "a", secretKey: "b" };
    expect(() => new S3BlobStore({ ...options, endpoint: "ftp://minio:9000" })).toThrow(/must be http/);
    expect(() => new S3BlobStore({ ...options, endpoint: "http://minio:9000/bucket" })).toThrow(/path/);
  });
});
