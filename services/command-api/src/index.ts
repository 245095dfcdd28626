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
export {
  createInMemoryIdempotencyStore,
  type IdempotencyData,
  type IdempotencyStore,
  idempotencyBucketName,
  openIdempotencyStore,
} from "./idempotency/idempotency-store";
export {
  type ImageInfo,
  ImageRejectedError,
  type ImageRejectionCode,
  inspectImage,
} from "./upload/inspect-image";
