import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh cancel token: 256 random bits, URL-safe. Handed to the submitter, never stored as is in the log. */
export function newCancelToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What the log keeps of a cancel token: its SHA-256. The token is random and long, so a plain hash
 * (no salt, no slow KDF) cannot be reversed or guessed; a leaked log cannot cancel anything.
 */
export function hashCancelToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Whether `token` is the one whose hash the request stored, compared in constant time. */
export function cancelTokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashCancelToken(token), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
