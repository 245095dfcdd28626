export { describeEvent, type EventLine } from "./describe-event";
export {
  type ExpireDeps,
  expireRequestImages,
  type SweepOptions,
  type SweepResult,
  sweepExpiredImages,
} from "./expire-images";
export { type ForgetEmailReport, forgetEmail } from "./forget-email";
export { type ForgetDeps, type ForgetReport, forgetRequest } from "./forget-request";
export { exportLog, InvalidArchiveError, importLog, StoreNotEmptyError } from "./log-archive";
export { redactErased, redactHistory } from "./redact-erased";
export { type RequestBuckets, removeRequestBlobs } from "./request-blobs";
export { ImagesExpiredError, NotFailedError, requestRetry } from "./request-retry";
export { requestTimeline } from "./request-timeline";
export { UnknownRequestError } from "./unknown-request-error";
