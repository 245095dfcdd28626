import { startS3Server, type TestS3Server } from "@reimagine/testing";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobStoreContract } from "./blob-store.contract";
import { BlobStoreError } from "./errors";
import { parseS3Endpoint, S3BlobStore } from "./s3-blob-store";

function adminClient(server: TestS3Server): Client {
  return new Client({
    ...parseS3Endpoint(server.endpoint),
    region: "us-east-1",
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    pathStyle: true,
    retryOptions: { disableRetry: true },
  });
}

async function dropBucket(client: Client, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, "", true)) {
    if (item.name) names.push(item.name);
  }
  // One by one: s3rver answers some multi-object deletes with a 500.
  for (const name of names) await client.removeObject(bucket, name);
  await client.removeBucket(bucket);
}

blobStoreContract("S3BlobStore on s3rver", async () => {
  const server = await startS3Server();
  const store = new S3BlobStore({ ...server, region: "us-east-1" });
  return {
    store,
    async dropBuckets(buckets) {
      const client = adminClient(server);
      for (const bucket of buckets) await dropBucket(client, bucket);
    },
    close: () => server.stop(),
  };
});

describe("S3BlobStore", () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("maps the endpoint URL to minio's options", () => {
    expect(parseS3Endpoint("http://minio:9000")).toEqual({ endPoint: "minio", port: 9000, useSSL: false });
    expect(parseS3Endpoint("https://s3.example.com")).toEqual({
      endPoint: "s3.example.com",
      port: 443,
      useSSL: true,
    });
    expect(parseS3Endpoint("http://[::1]:9000/")).toEqual({ endPoint: "::1", port: 9000, useSSL: false });
    expect(() => parseS3Endpoint("http://minio:9000/bucket")).toThrow(/path/);
  });

  it("never shows the secret in describe()", () => {
    const store = new S3BlobStore({ ...server, secretKey: "sup3r-s3cret", region: "eu-west-1" });
    expect(store.describe()).toBe(`s3 ${server.endpoint} (region eu-west-1)`);
    expect(store.describe()).not.toContain("sup3r");
  });

  it("ping fails fast with BlobStoreError when nothing listens", async () => {
    const dead = new S3BlobStore({ ...server, endpoint: "http://127.0.0.1:1", region: "us-east-1" });
    const started = Date.now();
    const err = await dead.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobStoreError);
    expect((err as BlobStoreError).cause).toBeDefined();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reports unknown credentials as BlobStoreError, not as a missing object", async () => {
    const stranger = new S3BlobStore({ ...server, accessKey: "NOBODY", region: "us-east-1" });
    await expect(stranger.stat("reimagine-originals", "any")).rejects.toBeInstanceOf(BlobStoreError);
    await expect(stranger.ping()).rejects.toBeInstanceOf(BlobStoreError);
  });

  it("refuses presign expiries S3 would reject", async () => {
    const store = new S3BlobStore({ ...server, region: "us-east-1" });
    await expect(store.presignedGetUrl("some-bucket", "k", 0)).rejects.toBeInstanceOf(RangeError);
    await expect(store.presignedGetUrl("some-bucket", "k", 8 * 24 * 3600)).rejects.toBeInstanceOf(RangeError);
  });
});
