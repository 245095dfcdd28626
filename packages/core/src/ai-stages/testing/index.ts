// Test helpers of the AI stages: imported only by the stage services' tests and benchmarks.
export { countCalls, openStageHarness, STAGE_TEST_TOKEN, type StageHarness } from "./stage-harness";
