import { describe, expect, it } from "vitest";
import { assertValidBucket, assertValidKey } from "./blob-key";
import { InvalidBlobKeyError } from "./errors";

describe("assertValidKey", () => {
  it.each([
    "a",
    "originals/0192f0c4-7d2e-7c1a-9b7e-3f1e2d4c5b6a.jpg",
    "a/b/c.d",
    "..hidden",
    "a..b",
    "ünï code/ (1).jpg",
  ])("accepts %j", (key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    ["", "empty"],
    ["..", "relative"],
    [".", "relative"],
    ["../x", "relative"],
    ["a/../../x", "relative"],
    ["a/./b", "relative"],
    ["/etc/passwd", "absolute"],
    ["a//b", "empty path segment"],
    ["a/", "empty path segment"],
    ["a\0b", "control"],
    ["a\nb", "control"],
    ["..\\x", "backslash"],
    ["x".repeat(1025), "1024"],
    ["x".repeat(256), "255"],
  ])("rejects %j (%s)", (key, why) => {
    const err = (() => {
      try {
        assertValidKey(key);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidBlobKeyError);
    expect((err as InvalidBlobKeyError).code).toBe("BLOB_KEY_INVALID");
    expect((err as Error).message).toContain(why);
  });
});

describe("assertValidBucket", () => {
  it.each(["reimagine-originals", "abc", "a.b-c", "x1y"])("accepts %j", (b) => {
    expect(() => assertValidBucket(b)).not.toThrow();
  });

  it.each(["", "ab", "..", "a..b", "../x", "UPPER", "-abc", "abc-", ".abc", "a/b", "a".repeat(64)])(
    "rejects %j",
    (b) => {
      expect(() => assertValidBucket(b)).toThrow(InvalidBlobKeyError);
    },
  );
});
