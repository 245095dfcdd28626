export { describeEvent, type EventLine } from "./describe-event";
export { exportLog, InvalidArchiveError, importLog, StoreNotEmptyError } from "./log-archive";
export { NotFailedError, requestRetry } from "./request-retry";
export { requestTimeline } from "./request-timeline";
export { UnknownRequestError } from "./unknown-request-error";
