// The two AI stages' shared handler and process wiring (caption-handler, generation-handler).
export { AI_STAGES, type AiStage, type StageResultOf } from "./ai-stages";
export { runStageWorker, type StageWorkerDeps } from "./run-stage-worker";
export type { StageHandlerDeps, StageStartDeps } from "./stage-deps";
export { createStageHandler, type StageHandlerSpec } from "./stage-handler";
export { StageInputError } from "./stage-input-error";
export { startStageHandler } from "./start-stage-handler";
