// What every stage (caption, generation, notification) decides with: is it due for this run,
// and append its outcome only while it still is. Light: no AI, blob or mail code is loaded.
export { appendWhileDue } from "./append-while-due";
export { type DueStage, readDueStage } from "./read-due-stage";
export { runOf } from "./run-of";
export { type StageFailure, stageFailure } from "./stage-failure";
export { stateOf } from "./state-of";
