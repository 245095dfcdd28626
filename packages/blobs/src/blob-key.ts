import { InvalidBlobKeyError } from "./errors";

// S3's own bucket rules; they also keep a bucket name from meaning anything to a file system.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Control characters and backslashes are legal in S3 but would mean different things per platform.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/** Throws InvalidBlobKeyError unless the name is a valid S3 bucket name. */
export function assertValidBucket(bucket: string): void {
  if (!BUCKET.test(bucket) || bucket.includes("..")) {
    throw new InvalidBlobKeyError(`invalid bucket name ${JSON.stringify(bucket)}`);
  }
}

/**
 * Throws InvalidBlobKeyError unless the key is a relative path of plain segments: no "." or "..",
 * no empty segment, no leading slash, no control character. That is what makes a key safe to join
 * onto a directory on local disk, and the same rule on S3 keeps the adapters interchangeable.
 */
export function assertValidKey(key: string): void {
  const reject = (why: string): never => {
    throw new InvalidBlobKeyError(`invalid blob key ${JSON.stringify(key)}: ${why}`);
  };
  if (key.length === 0) reject("empty");
  if (Buffer.byteLength(key) > 1024) reject("longer than 1024 bytes");
  if (FORBIDDEN.test(key)) reject("contains a control character or backslash");
  if (key.startsWith("/")) reject("absolute");
  for (const segment of key.split("/")) {
    if (segment === "") reject("empty path segment");
    if (segment === "." || segment === "..") reject("relative path segment");
    if (Buffer.byteLength(segment) > 255) reject("path segment longer than 255 bytes");
  }
}

/** Throws InvalidBlobKeyError unless the prefix is one or more valid key segments followed by "/". */
export function assertValidPrefix(prefix: string): void {
  if (!prefix.endsWith("/")) {
    throw new InvalidBlobKeyError(`invalid blob prefix ${JSON.stringify(prefix)}: must end with "/"`);
  }
  assertValidKey(prefix.slice(0, -1));
}
