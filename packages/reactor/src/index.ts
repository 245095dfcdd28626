// Reactors on the event log: the handler runtime (durable consumers, retries, dead letters) and
// the one stage kit every stage is built with (read → fold → decide → act → append).
export { type BackoffPolicy, isRetryable, retryDelayMs, retryHintOf } from "./backoff";
export type { EventHandler, HandlerContext } from "./event-handler";
export { HandlerRuntime, type HandlerRuntimeOptions } from "./handler-runtime";
export { appendWhileDue } from "./stage/append-while-due";
export { type DueStage, readDueStage, stateOf } from "./stage/read-due-stage";
export {
  type ReasonedError,
  type StageFailure,
  StageInputError,
  stageFailure,
} from "./stage/stage-failure";
export {
  createStageHandler,
  failWith,
  type GiveUpOutcome,
  type StageHandlerSpec,
} from "./stage/stage-handler";
export { type RunningReactor, runtimeOptionsFrom, startReactor } from "./start-reactor";
