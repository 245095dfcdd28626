import { BlobStoreError } from "@reimagine/blobs";
import {
  DeadLetterNotFoundError,
  EventStoreUnavailableError,
  InvalidRequestIdError,
} from "@reimagine/eventstore";
import {
  InvalidArchiveError,
  NotFailedError,
  StoreNotEmptyError,
  UnknownRequestError,
} from "@reimagine/operations";
import { describe, expect, it } from "vitest";
import {
  IdempotencyKeyBusyError,
  IdempotencyKeyReusedError,
  IdempotencyStoreUnavailableError,
} from "../idempotency/errors";
import { InvalidEmailError } from "../submission/check-email";
import { ImageRejectedError } from "../upload/inspect-image";
import { UploadError } from "../upload/upload-error";
import { UploadQueueFullError } from "../upload/upload-slots";
import { errorToProblem } from "./error-to-problem";
import { ProblemError } from "./problem-error";

describe("errorToProblem", () => {
  it.each<[string, Error, number, string]>([
    ["a non-multipart body", new UploadError("NOT_MULTIPART", "x"), 415, "unsupported-media-type"],
    ["malformed multipart", new UploadError("MALFORMED_MULTIPART", "x"), 400, "malformed-multipart"],
    ["a body over the limit", new UploadError("BODY_TOO_LARGE", "x"), 413, "upload-too-large"],
    ["an image over the limit", new UploadError("FILE_TOO_LARGE", "x"), 413, "upload-too-large"],
    ["a missing field", new UploadError("MISSING_FIELD", "x"), 400, "missing-field"],
    ["an extra field", new UploadError("UNEXPECTED_FIELD", "x"), 400, "unexpected-field"],
    ["an interrupted upload", new UploadError("INTERRUPTED", "x"), 400, "malformed-request"],
    ["an empty image", new ImageRejectedError("EMPTY", "x"), 400, "empty-image"],
    ["not an image", new ImageRejectedError("UNSUPPORTED_TYPE", "x"), 415, "unsupported-image"],
    ["a corrupt image", new ImageRejectedError("CORRUPT", "x"), 415, "unsupported-image"],
    ["a decompression bomb", new ImageRejectedError("TOO_MANY_PIXELS", "x"), 413, "image-too-large"],
    ["an invalid email", new InvalidEmailError("x"), 400, "invalid-email"],
    ["an invalid request id", new InvalidRequestIdError("x"), 400, "invalid-request-id"],
    ["a reused Idempotency-Key", new IdempotencyKeyReusedError("x"), 422, "idempotency-key-reused"],
    ["a rate limit", new ProblemError("rate-limited", "x"), 429, "rate-limited"],
    ["a wrong method", new ProblemError("method-not-allowed", "x"), 405, "method-not-allowed"],
  ])("maps %s to a client problem with its own message", (_, err, status, type) => {
    const mapped = errorToProblem(err);
    expect(mapped.problem).toMatchObject({ status, type: `urn:reimagine:problem:${type}` });
    expect(mapped.serverFault).toBe(false);
    if (!(err instanceof InvalidRequestIdError)) expect(mapped.problem.detail).toBe("x");
  });

  it.each<[string, Error, number, string]>([
    ["an unknown request", new UnknownRequestError("r1"), 404, "unknown-request"],
    [
      "a retry of a request that has not failed",
      new NotFailedError("r1", "notified"),
      409,
      "request-not-failed",
    ],
    ["an import into a non-empty store", new StoreNotEmptyError(3), 409, "store-not-empty"],
    ["a bad archive", new InvalidArchiveError("line 2: x"), 400, "invalid-archive"],
    ["an unknown dead letter", new DeadLetterNotFoundError(7), 404, "unknown-dead-letter"],
  ])("maps the admin error %s to a client problem", (_, err, status, type) => {
    const mapped = errorToProblem(err);
    expect(mapped.problem).toMatchObject({
      status,
      type: `urn:reimagine:problem:${type}`,
      detail: err.message,
    });
    expect(mapped.serverFault).toBe(false);
  });

  it.each<[string, Error, RegExp]>([
    ["NATS", new EventStoreUnavailableError("nats://secret@host"), /event log/],
    ["S3", new BlobStoreError("http://key:secret@minio"), /image store/],
    ["the KV bucket", new IdempotencyStoreUnavailableError("x"), /Idempotency-Key store/],
  ])(
    "maps an outage of %s to 503 with Retry-After, naming the dependency but not its address",
    (_, err, detail) => {
      const mapped = errorToProblem(err);
      expect(mapped.problem.status).toBe(503);
      expect(mapped.problem.detail).toMatch(detail);
      expect(mapped.problem.detail).not.toContain("secret");
      expect(mapped.headers["retry-after"]).toBe("5");
      expect(mapped.serverFault).toBe(true);
    },
  );

  it("maps overload to 503 server-busy, which is not a fault to log as an error", () => {
    for (const err of [new UploadQueueFullError("x"), new IdempotencyKeyBusyError("x")]) {
      const mapped = errorToProblem(err);
      expect(mapped.problem).toMatchObject({ status: 503, type: "urn:reimagine:problem:server-busy" });
      expect(mapped.serverFault).toBe(false);
    }
  });

  it("maps anything else to a 500 that reveals nothing", () => {
    const mapped = errorToProblem(
      new TypeError("cannot read properties of undefined (reading 'x') at /srv/a.ts:3"),
    );
    expect(mapped.problem).toEqual({
      type: "urn:reimagine:problem:internal",
      title: "Internal server error",
      status: 500,
      detail: "an unexpected error occurred; it has been logged",
    });
    expect(mapped.serverFault).toBe(true);
    expect(errorToProblem("a thrown string").problem.status).toBe(500);
  });

  it("keeps the headers a problem carries, and asks to close after an upload refused half-read", () => {
    expect(
      errorToProblem(new ProblemError("rate-limited", "x", { headers: { "retry-after": "7" } })).headers,
    ).toEqual({
      "retry-after": "7",
    });
    expect(errorToProblem(new UploadError("FILE_TOO_LARGE", "x")).headers).toEqual({ connection: "close" });
  });
});
