import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "./blob-store";
import { readAll } from "./blob-store";
import { BlobNotFoundError, BlobStoreError, InvalidBlobKeyError } from "./errors";

/** An adapter prepared for the contract: the store and how to clean up after it. */
export interface BlobStoreUnderTest {
  store: BlobStore;
  /** Deletes the buckets the suite created, objects included. */
  dropBuckets(buckets: string[]): Promise<void>;
  close(): Promise<void>;
}

const ESCAPING_KEYS = [
  "../outside",
  "a/../../outside",
  "/etc/passwd",
  "a\0b",
  "",
  "a//b",
  "a/",
  ".",
  "a\\..\\b",
];

/** The behaviour every BlobStore adapter must share; run it from each adapter's spec. */
export function blobStoreContract(name: string, makeStore: () => Promise<BlobStoreUnderTest>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let sut: BlobStoreUnderTest;
    let store: BlobStore;
    // Random names so runs against a shared server never collide.
    const suffix = randomBytes(4).toString("hex");
    const bucket = `contract-${suffix}`;
    const other = `contract-other-${suffix}`;
    const missingBucket = `contract-missing-${suffix}`;
    let n = 0;
    const freshKey = () => `requests/${suffix}/${++n}.bin`;

    beforeAll(async () => {
      sut = await makeStore();
      store = sut.store;
      await store.ensureBuckets([bucket, other]);
    });

    afterAll(async () => {
      if (!sut) return;
      try {
        await sut.dropBuckets([bucket, other]);
      } finally {
        await sut.close();
      }
    });

    it("answers ping and describes itself", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(store.describe()).toContain(store.kind);
    });

    it("ensureBuckets is idempotent", async () => {
      await store.ensureBuckets([bucket, other]);
      await store.ensureBuckets([bucket]);
      const key = freshKey();
      await store.put(other, key, Buffer.from("x"), { contentType: "text/plain" });
      expect(await store.stat(other, key)).toEqual({ contentType: "text/plain", size: 1 });
    });

    it("round-trips binary bytes with their content type and size", async () => {
      const bytes = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(70_000),
      ]);
      const key = freshKey();
      await store.put(bucket, key, bytes, { contentType: "image/png" });

      const got = await store.get(bucket, key);
      expect(got.contentType).toBe("image/png");
      expect(got.size).toBe(bytes.length);
      expect((await readAll(got.body)).equals(bytes)).toBe(true);
      expect((await store.getBuffer(bucket, key)).equals(bytes)).toBe(true);
      expect(await store.stat(bucket, key)).toEqual({ contentType: "image/png", size: bytes.length });
    });

    it("stores an empty object", async () => {
      const key = freshKey();
      await store.put(bucket, key, Buffer.alloc(0), { contentType: "application/octet-stream" });
      expect(await store.stat(bucket, key)).toEqual({ contentType: "application/octet-stream", size: 0 });
      expect((await store.getBuffer(bucket, key)).length).toBe(0);
    });

    it("keeps keys with nested segments, spaces and non-ASCII letters", async () => {
      const key = `originals/${suffix}/ünïcode photo (1).jpg`;
      await store.put(bucket, key, Buffer.from("jpeg?"), { contentType: "image/jpeg" });
      expect((await store.getBuffer(bucket, key)).toString()).toBe("jpeg?");
    });

    it("stat of a missing object or bucket is null", async () => {
      expect(await store.stat(bucket, freshKey())).toBeNull();
      expect(await store.stat(missingBucket, freshKey())).toBeNull();
    });

    it("get of a missing object throws BlobNotFoundError", async () => {
      const key = freshKey();
      const err = await store.get(bucket, key).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobNotFoundError);
      expect(err).toMatchObject({ code: "BLOB_NOT_FOUND", bucket, key });
      await expect(store.getBuffer(bucket, key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.get(missingBucket, key)).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it("overwrites an object whole, type included", async () => {
      const key = freshKey();
      await store.put(bucket, key, randomBytes(50_000), { contentType: "image/png" });
      const second = Buffer.from("shorter");
      await store.put(bucket, key, second, { contentType: "image/webp" });
      expect((await store.getBuffer(bucket, key)).equals(second)).toBe(true);
      expect(await store.stat(bucket, key)).toEqual({ contentType: "image/webp", size: second.length });
    });

    it("putting the same bytes twice is harmless", async () => {
      const key = freshKey();
      const bytes = randomBytes(1000);
      await store.put(bucket, key, bytes, { contentType: "image/jpeg" });
      await store.put(bucket, key, bytes, { contentType: "image/jpeg" });
      expect((await store.getBuffer(bucket, key)).equals(bytes)).toBe(true);
    });

    it("concurrent puts of one key leave exactly one of them, never a mix", async () => {
      const key = freshKey();
      const versions = Array.from({ length: 8 }, () => randomBytes(40_000));
      await Promise.all(versions.map((v) => store.put(bucket, key, v, { contentType: "image/png" })));
      const got = await store.getBuffer(bucket, key);
      expect(versions.some((v) => v.equals(got))).toBe(true);
    });

    it("remove deletes, and removing again or removing what never existed is fine", async () => {
      const key = freshKey();
      await store.put(bucket, key, Buffer.from("bye"), { contentType: "text/plain" });
      await store.remove(bucket, key);
      expect(await store.stat(bucket, key)).toBeNull();
      await expect(store.get(bucket, key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await store.remove(bucket, key);
      await store.remove(bucket, freshKey());
      await store.remove(missingBucket, freshKey());
    });

    it("lists every object under a prefix, at any depth, and nothing for an empty prefix or bucket", async () => {
      const base = `list-${suffix}`;
      const keys = [
        `${base}/a/original.jpg`,
        `${base}/a/generated-0.png`,
        `${base}/a/deep/x.bin`,
        `${base}/ab/y.bin`,
      ];
      for (const key of keys) await store.put(bucket, key, Buffer.from("x"), { contentType: "text/plain" });
      expect((await store.list(bucket, `${base}/a/`)).sort()).toEqual(keys.slice(0, 3).sort());
      expect(await store.list(bucket, `${base}/none/`)).toEqual([]);
      expect(await store.list(missingBucket, `${base}/a/`)).toEqual([]);
      await store.remove(bucket, `${base}/a/original.jpg`);
      expect(await store.list(bucket, `${base}/a/`)).not.toContain(`${base}/a/original.jpg`);
      await expect(store.list(bucket, `${base}/a`)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.list(bucket, "../")).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it("put into a bucket that was never ensured fails with BlobStoreError", async () => {
      const err = await store
        .put(missingBucket, freshKey(), Buffer.from("x"), { contentType: "text/plain" })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobStoreError);
      expect(err).toMatchObject({ code: "BLOB_STORE_UNAVAILABLE" });
    });

    it("presigns a fetchable URL (S3) or says it cannot (local disk)", async () => {
      const key = freshKey();
      const bytes = randomBytes(3000);
      await store.put(bucket, key, bytes, { contentType: "image/webp" });
      const url = await store.presignedGetUrl(bucket, key, 60);
      if (store.kind === "local-disk") {
        expect(url).toBeNull();
        return;
      }
      expect(url).toMatch(/^https?:\/\//);
      const res = await fetch(url!);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it("rejects keys and buckets that could escape or mean different things per platform", async () => {
      const body = Buffer.from("evil");
      for (const key of ESCAPING_KEYS) {
        await expect(store.put(bucket, key, body, { contentType: "text/plain" })).rejects.toBeInstanceOf(
          InvalidBlobKeyError,
        );
        await expect(store.get(bucket, key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.stat(bucket, key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.remove(bucket, key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
      for (const bad of ["..", "../etc", "UPPER", "a/b", "x"]) {
        await expect(store.put(bad, "k", body, { contentType: "text/plain" })).rejects.toBeInstanceOf(
          InvalidBlobKeyError,
        );
        await expect(store.ensureBuckets([bad])).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
    });
  });
}
