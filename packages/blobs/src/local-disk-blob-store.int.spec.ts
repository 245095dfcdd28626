import { mkdtemp, readdir, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobStoreContract } from "./blob-store.contract";
import { BlobStoreError, InvalidBlobKeyError } from "./errors";
import { LocalDiskBlobStore } from "./local-disk-blob-store";

blobStoreContract("LocalDiskBlobStore", async () => {
  const dir = await mkdtemp(join(tmpdir(), "reimagine-blobs-"));
  return {
    store: new LocalDiskBlobStore(join(dir, "blobs")),
    dropBuckets: async () => {},
    close: () => rm(dir, { recursive: true, force: true }),
  };
});

describe("LocalDiskBlobStore", () => {
  let dir: string;
  let store: LocalDiskBlobStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "reimagine-blobs-"));
    store = new LocalDiskBlobStore(join(dir, "blobs"));
    await store.ensureBuckets(["originals"]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lays objects out as <root>/<bucket>/<key> and leaves no temp files", async () => {
    await store.put("originals", "req-1/photo.jpg", Buffer.from("bytes"), { contentType: "image/jpeg" });
    expect((await stat(join(dir, "blobs", "originals", "req-1", "photo.jpg"))).size).toBe(5);
    expect(await readdir(join(dir, "blobs", ".tmp"))).toEqual([]);
    expect(store.describe()).toBe(`local-disk ${join(dir, "blobs")}`);
  });

  it("writes nothing outside its directory whatever the key", async () => {
    const before = await readdir(dir);
    for (const key of ["../../escaped", "../escaped", "/tmp/escaped", "x/../../escaped"]) {
      await expect(
        store.put("originals", key, Buffer.from("x"), { contentType: "text/plain" }),
      ).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
    expect(await readdir(dir)).toEqual(before);
    expect(await readdir(join(dir, "blobs"))).not.toContain("escaped");
  });

  it("serves a file without a sidecar as application/octet-stream", async () => {
    await store.put("originals", "bare.bin", Buffer.from("abc"), { contentType: "image/png" });
    await unlink(join(dir, "blobs", ".meta", "originals", "bare.bin.json"));
    expect(await store.stat("originals", "bare.bin")).toEqual({
      contentType: "application/octet-stream",
      size: 3,
    });
  });

  it("treats a key that names a directory as missing", async () => {
    await store.put("originals", "dir/child", Buffer.from("c"), { contentType: "text/plain" });
    expect(await store.stat("originals", "dir")).toBeNull();
    await expect(store.get("originals", "dir")).rejects.toMatchObject({ code: "BLOB_NOT_FOUND" });
    expect(await store.stat("originals", "dir/child/grandchild")).toBeNull();
  });

  it("ping fails with BlobStoreError when the directory is missing or is a file", async () => {
    await expect(new LocalDiskBlobStore(join(dir, "nope")).ping()).rejects.toBeInstanceOf(BlobStoreError);
    await writeFile(join(dir, "a-file"), "x");
    await expect(new LocalDiskBlobStore(join(dir, "a-file")).ping()).rejects.toBeInstanceOf(BlobStoreError);
  });
});
