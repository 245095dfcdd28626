export { ImportMismatchError, InvalidArchiveError, StoreNotEmptyError } from "./archive-errors";
export { describeEvent, type EventLine } from "./describe-event";
export {
  type ExpireDeps,
  expireRequestImages,
  type SweepOptions,
  type SweepResult,
  sweepExpiredImages,
} from "./expire-images";
export { exportLog } from "./export-log";
export { type ForgetEmailReport, forgetEmail } from "./forget-email";
export { type ForgetDeps, type ForgetReport, forgetRequest } from "./forget-request";
export {
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  importLog,
  readLines,
} from "./import-log";
export { redactErased, redactHistory } from "./redact-erased";
export { type RequestBuckets, removeRequestBlobs } from "./request-blobs";
export { ImagesExpiredError, NotFailedError, requestRetry } from "./request-retry";
export { requestTimeline } from "./request-timeline";
export { UnknownRequestError } from "./unknown-request-error";
