export * from "./api";
export {
  type ContactRef,
  dueRunStage,
  dueStage,
  evolveRequest,
  type FailureNoticeState,
  failedStage,
  foldRequest,
  initialRequestState,
  isFinished,
  type RequestState,
} from "./domain/request-state";
export { runOf } from "./domain/run-of";
export {
  STAGES,
  STEPS,
  type StageFailureOf,
  type StageResultOf,
  type Step,
  type StepFailureOf,
  type StepResultOf,
} from "./domain/stages";
export * from "./email-address";
export { maskEmail } from "./email-address";
export * from "./envelope";
export * from "./events/cancel-requested";
export * from "./events/caption-produced";
export * from "./events/domain-event";
export * from "./events/erasure";
export * from "./events/failure-category";
export * from "./events/failure-notified";
export * from "./events/image-generated";
export * from "./events/image-submitted";
export * from "./events/new-event";
export * from "./events/personal-data";
export * from "./events/registry";
export * from "./events/retry-requested";
export * from "./events/stage";
export * from "./events/stage-failed";
export * from "./events/user-notified";
export * from "./events/webhook-outcome";
export * from "./routes";
export { sniffImageType } from "./sniff-image-type";
