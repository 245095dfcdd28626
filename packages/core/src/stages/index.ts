export { appendWhileDue } from "./append-while-due";
export { type DueStage, readDueStage } from "./read-due-stage";
export { runOf } from "./run-of";
export { runStageWorker, type StageWorkerDeps } from "./run-stage-worker";
export { type StageFailure, stageFailure } from "./stage-failure";
export {
  createStageHandler,
  type StageFailedType,
  type StageHandlerSpec,
  type StageResultType,
} from "./stage-handler";
export { StageInputError } from "./stage-input-error";
export { type StartStageHandlerOptions, startStageHandler } from "./start-stage-handler";
export { stateOf } from "./state-of";
