import { BlobStoreError } from "@reimagine/blobs";
import type { Problem } from "@reimagine/contracts";
import {
  DeadLetterNotFoundError,
  EventStoreUnavailableError,
  InvalidRequestIdError,
} from "@reimagine/eventstore";
import {
  ImagesExpiredError,
  ImportMismatchError,
  InvalidArchiveError,
  NotFailedError,
  StoreNotEmptyError,
  UnknownRequestError,
} from "@reimagine/operations";
import { DatabaseUnavailableError } from "@reimagine/readmodel";
import { KeyStoreUnavailableError } from "@reimagine/vault";
import { HTTPException } from "hono/http-exception";
import { CancelRefusedError } from "../cancel/cancel-request";
import {
  IdempotencyKeyBusyError,
  IdempotencyKeyReusedError,
  IdempotencyStoreUnavailableError,
} from "../idempotency/errors";
import { ReadModelUnavailableError } from "../status/reconnecting-reader";
import { InvalidEmailError } from "../submission/check-email";
import { InvalidWebhookUrlError } from "../submission/check-webhook-url";
import { ClientGoneError } from "../submission/record-submission";
import { ImageRejectedError } from "../upload/inspect-image";
import { PixelBudgetExceededError } from "../upload/pixel-budget";
import { TooManyUploadsError } from "../upload/upload-admission";
import { UploadError, type UploadErrorCode } from "../upload/upload-error";
import { UploadQueueFullError } from "../upload/upload-slots";
import { ProblemError } from "./problem-error";
import { problemOf, retryAfter } from "./problem-response";
import type { ProblemType } from "./problem-types";

/** A problem to answer with, its headers, and whether the error is ours (to log) or the client's. */
export interface MappedProblem {
  problem: Problem;
  headers: Record<string, string>;
  /** True for 5xx: something on our side (or behind us) failed and belongs in the error log. */
  serverFault: boolean;
}

const UPLOAD: Record<UploadErrorCode, ProblemType> = {
  NOT_MULTIPART: "unsupported-media-type",
  MALFORMED_MULTIPART: "malformed-multipart",
  BODY_TOO_LARGE: "upload-too-large",
  FILE_TOO_LARGE: "upload-too-large",
  MISSING_FIELD: "missing-field",
  UNEXPECTED_FIELD: "unexpected-field",
  INTERRUPTED: "malformed-request",
  TIMEOUT: "request-timeout",
};

const IMAGE: Record<ImageRejectedError["code"], ProblemType> = {
  EMPTY: "empty-image",
  UNSUPPORTED_TYPE: "unsupported-image",
  CORRUPT: "unsupported-image",
  TOO_MANY_PIXELS: "image-too-large",
};

/** How long a client should wait before retrying when a dependency is down. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The one mapping from errors to HTTP problems. Client errors keep their (safe) message as detail;
 * a dependency outage is a 503 with Retry-After; anything unknown is a 500 with a generic detail,
 * never the message or stack of the error itself.
 */
export function errorToProblem(err: unknown): MappedProblem {
  const client = (type: ProblemType, detail: string, headers: Record<string, string> = {}) => ({
    problem: problemOf(type, detail),
    headers,
    serverFault: false,
  });
  const unavailable = (type: ProblemType, detail: string) => ({
    problem: problemOf(type, detail),
    headers: retryAfter(RETRY_AFTER_SECONDS),
    serverFault: true,
  });

  if (err instanceof ProblemError) {
    const mapped = client(err.code, err.message, err.headers);
    return { ...mapped, serverFault: mapped.problem.status >= 500 };
  }
  if (err instanceof UploadError) {
    // The rest of the body is not read; closing says so, rather than leaving the client sending.
    return client(UPLOAD[err.code], err.message, { connection: "close" });
  }
  if (err instanceof ImageRejectedError) return client(IMAGE[err.code], err.message);
  if (err instanceof TooManyUploadsError) return client("rate-limited", err.message, retryAfter(1));
  if (err instanceof PixelBudgetExceededError) {
    return client("rate-limited", err.message, retryAfter(err.retryAfterSeconds));
  }
  if (err instanceof ClientGoneError) return client("client-closed-request", err.message);
  if (err instanceof InvalidEmailError) return client("invalid-email", err.message);
  if (err instanceof InvalidWebhookUrlError) return client("invalid-webhook-url", err.message);
  if (err instanceof CancelRefusedError) {
    return client(err.code === "FINISHED" ? "request-finished" : "invalid-cancel-token", err.message);
  }
  if (err instanceof InvalidRequestIdError)
    return client("invalid-request-id", "the request id must be a UUID");
  if (err instanceof IdempotencyKeyReusedError) return client("idempotency-key-reused", err.message);
  if (err instanceof UnknownRequestError) return client("unknown-request", err.message);
  if (err instanceof NotFailedError) return client("request-not-failed", err.message);
  if (err instanceof ImagesExpiredError) return client("request-expired", err.message);
  if (err instanceof StoreNotEmptyError) return client("store-not-empty", err.message);
  if (err instanceof InvalidArchiveError) return client("invalid-archive", err.message);
  if (err instanceof ImportMismatchError) {
    // Positions and event ids only: what an operator needs to see what is missing.
    return { problem: problemOf("import-incomplete", err.message), headers: {}, serverFault: true };
  }
  if (err instanceof DeadLetterNotFoundError) return client("unknown-dead-letter", err.message);
  if (err instanceof HTTPException && err.status < 500) return client("malformed-request", err.message);
  if (err instanceof EventStoreUnavailableError) {
    return unavailable("dependency-unavailable", "the event log (NATS JetStream) is unavailable");
  }
  if (err instanceof DatabaseUnavailableError || err instanceof ReadModelUnavailableError) {
    return unavailable("dependency-unavailable", "the read model (Postgres) is unavailable");
  }
  if (err instanceof BlobStoreError) {
    return unavailable("dependency-unavailable", "the image store is unavailable");
  }
  if (err instanceof KeyStoreUnavailableError) {
    return unavailable("dependency-unavailable", "the key store (NATS KV) is unavailable");
  }
  if (err instanceof IdempotencyStoreUnavailableError) {
    return unavailable("dependency-unavailable", "the Idempotency-Key store (NATS KV) is unavailable");
  }
  if (err instanceof IdempotencyKeyBusyError || err instanceof UploadQueueFullError) {
    return { ...unavailable("server-busy", err.message), serverFault: false };
  }
  return {
    problem: problemOf("internal", "an unexpected error occurred; it has been logged"),
    headers: {},
    serverFault: true,
  };
}
