// The command API's public entry: the app factory, the server, and what a caller must open for it.
export type { AppEnv } from "./app/app-env";
export type { CommandApiDeps } from "./app/command-api-deps";
export { createCommandApi } from "./app/create-command-api";
export { type RunningCommandApi, type StartOptions, startCommandApi } from "./app/start-command-api";
export {
  IdempotencyKeyBusyError,
  IdempotencyKeyReusedError,
  IdempotencyStoreUnavailableError,
} from "./idempotency/errors";
export type { IdempotencyEntry, IdempotencyRecord, IdempotencyStore } from "./idempotency/idempotency-store";
export { InMemoryIdempotencyStore } from "./idempotency/in-memory-idempotency-store";
export { idempotencyBucketName, openKvIdempotencyStore } from "./idempotency/kv-idempotency-store";
export { openIdempotencyStore } from "./idempotency/open-idempotency-store";
export { ImageRejectedError, type ImageRejectionCode } from "./upload/image-rejected-error";
export { type ImageInfo, inspectImage } from "./upload/inspect-image";
