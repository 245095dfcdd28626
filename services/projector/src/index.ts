export { type BatchingOptions, nextBatches } from "./next-batches";
export { ProjectorStoppedError } from "./position-waiters";
export { observeProjectionLag } from "./projection-lag-gauge";
export { type Projector, type ProjectorDeps, startProjector } from "./projector";
export { projectorReadiness } from "./projector-readiness";
export {
  createRetentionSweeper,
  leaseBucketName,
  type RetentionSweeper,
  type RetentionSweeperDeps,
  type RunningRetentionSweeper,
  startRetentionSweeper,
  sweepKey,
} from "./retention-sweeper";
