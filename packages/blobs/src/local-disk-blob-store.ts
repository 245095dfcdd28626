import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { assertValidBucket, assertValidKey, assertValidPrefix } from "./blob-key";
import type { BlobInfo, BlobObject, BlobStore } from "./blob-store";
import { BlobNotFoundError, BlobStoreError, InvalidBlobKeyError } from "./errors";

const DEFAULT_TYPE = "application/octet-stream";
// Bucket names start with a letter or digit, so these can never clash with a bucket.
const META_DIR = ".meta";
const TMP_DIR = ".tmp";

function fsCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

// A key "a" stored as a file makes "a/b" a path through a file (ENOTDIR), and vice versa (EISDIR).
function isMissing(err: unknown): boolean {
  const code = fsCode(err);
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

/**
 * A BlobStore on the local file system, for the all-in-one start without S3: `<root>/<bucket>/<key>`
 * holds the bytes, `<root>/.meta/<bucket>/<key>.json` the content type. Every write goes to a temp
 * file first and is renamed into place, so a reader sees the old object or the new one, never half.
 */
export class LocalDiskBlobStore implements BlobStore {
  readonly kind = "local-disk";
  readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
  }

  describe(): string {
    return `local-disk ${this.root}`;
  }

  async ensureBuckets(buckets: string[]): Promise<void> {
    for (const bucket of buckets) assertValidBucket(bucket);
    try {
      await mkdir(join(this.root, TMP_DIR), { recursive: true });
      for (const bucket of buckets) {
        await mkdir(join(this.root, bucket), { recursive: true });
        await mkdir(join(this.root, META_DIR, bucket), { recursive: true });
      }
    } catch (err) {
      throw new BlobStoreError(`cannot create buckets under ${this.root}`, { cause: err });
    }
  }

  async put(bucket: string, key: string, body: Buffer, meta: { contentType: string }): Promise<void> {
    const { dataPath, metaPath } = this.paths(bucket, key);
    await this.assertBucketExists(bucket);
    try {
      await mkdir(join(this.root, TMP_DIR), { recursive: true });
      await mkdir(dirname(dataPath), { recursive: true });
      await mkdir(dirname(metaPath), { recursive: true });
      // The sidecar goes first: the object exists once its data file does, and by then its type is known.
      await this.writeAtomically(metaPath, Buffer.from(JSON.stringify({ contentType: meta.contentType })));
      await this.writeAtomically(dataPath, body);
    } catch (err) {
      throw new BlobStoreError(`cannot store ${bucket}/${key} under ${this.root}`, { cause: err });
    }
  }

  async get(bucket: string, key: string): Promise<BlobObject> {
    const { dataPath, metaPath } = this.paths(bucket, key);
    // The open handle keeps reading the version it opened even if a put renames a new one over it.
    const handle = await open(dataPath, "r").catch((err: unknown) => {
      throw this.failure(err, bucket, key);
    });
    try {
      const s = await handle.stat();
      if (!s.isFile()) throw Object.assign(new Error(`${dataPath} is not a file`), { code: "EISDIR" });
      const contentType = await this.readContentType(metaPath);
      return { body: handle.createReadStream(), contentType, size: s.size };
    } catch (err) {
      await handle.close();
      throw this.failure(err, bucket, key);
    }
  }

  async getBuffer(bucket: string, key: string): Promise<Buffer> {
    const { dataPath } = this.paths(bucket, key);
    try {
      return await readFile(dataPath);
    } catch (err) {
      throw this.failure(err, bucket, key);
    }
  }

  async stat(bucket: string, key: string): Promise<BlobInfo | null> {
    const { dataPath, metaPath } = this.paths(bucket, key);
    try {
      const s = await stat(dataPath);
      if (!s.isFile()) return null;
      return { contentType: await this.readContentType(metaPath), size: s.size };
    } catch (err) {
      if (isMissing(err)) return null;
      throw new BlobStoreError(`cannot stat ${bucket}/${key} under ${this.root}`, { cause: err });
    }
  }

  async remove(bucket: string, key: string): Promise<void> {
    const { dataPath, metaPath } = this.paths(bucket, key);
    try {
      // Data first: from that moment the object is gone for readers, whatever happens to the sidecar.
      await unlink(dataPath).catch(ignoreMissing);
      await unlink(metaPath).catch(ignoreMissing);
    } catch (err) {
      throw new BlobStoreError(`cannot remove ${bucket}/${key} under ${this.root}`, { cause: err });
    }
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const { dataPath: dir } = this.paths(bucket, prefix.slice(0, -1));
    const bucketDir = join(this.root, bucket);
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(bucketDir, join(e.parentPath, e.name)).split(sep).join("/"));
    } catch (err) {
      if (isMissing(err)) return [];
      throw new BlobStoreError(`cannot list ${bucket}/${prefix} under ${this.root}`, { cause: err });
    }
  }

  /** Local files have no URL of their own; the API streams the bytes instead. */
  async presignedGetUrl(bucket: string, key: string, _expirySeconds: number): Promise<string | null> {
    this.paths(bucket, key);
    return null;
  }

  async ping(): Promise<void> {
    try {
      const s = await stat(this.root);
      if (!s.isDirectory()) throw new Error(`${this.root} is not a directory`);
      await access(this.root, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new BlobStoreError(`blob directory ${this.root} is not usable`, { cause: err });
    }
  }

  private paths(bucket: string, key: string): { dataPath: string; metaPath: string } {
    assertValidBucket(bucket);
    assertValidKey(key);
    const bucketDir = join(this.root, bucket);
    const dataPath = resolve(bucketDir, key);
    // assertValidKey already rules out escapes; this check keeps it so if that rule ever loosens.
    if (!dataPath.startsWith(bucketDir + sep)) {
      throw new InvalidBlobKeyError(`blob key ${JSON.stringify(key)} escapes bucket ${bucket}`);
    }
    return { dataPath, metaPath: `${resolve(this.root, META_DIR, bucket, key)}.json` };
  }

  private async assertBucketExists(bucket: string): Promise<void> {
    const s = await stat(join(this.root, bucket)).catch(() => null);
    if (!s?.isDirectory()) {
      throw new BlobStoreError(`bucket ${bucket} does not exist under ${this.root} (ensureBuckets first)`);
    }
  }

  private async readContentType(metaPath: string): Promise<string> {
    try {
      const parsed: unknown = JSON.parse(await readFile(metaPath, "utf8"));
      const type = (parsed as { contentType?: unknown } | null)?.contentType;
      return typeof type === "string" && type !== "" ? type : DEFAULT_TYPE;
    } catch (err) {
      // A file dropped in by hand has no sidecar; it is still a readable blob.
      if (isMissing(err) || err instanceof SyntaxError) return DEFAULT_TYPE;
      throw err;
    }
  }

  private async writeAtomically(target: string, bytes: Buffer): Promise<void> {
    // The temp file lives under the same root, so the rename never crosses file systems.
    const tmp = join(this.root, TMP_DIR, `${randomUUID()}.tmp`);
    try {
      const handle = await open(tmp, "wx");
      try {
        await handle.writeFile(bytes);
        // Without the sync, a crash after the rename could leave a complete name over empty bytes.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }

  private failure(err: unknown, bucket: string, key: string): Error {
    if (isMissing(err)) return new BlobNotFoundError(bucket, key, { cause: err });
    return new BlobStoreError(`cannot read ${bucket}/${key} under ${this.root}`, { cause: err });
  }
}

function ignoreMissing(err: unknown): void {
  if (!isMissing(err)) throw err;
}
