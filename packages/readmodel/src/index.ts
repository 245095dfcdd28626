export { type CreateDatabaseOptions, createDatabase, type ReadModelDatabase } from "./create-database";
export type { Database } from "./database";
export { pingDatabase } from "./database";
export { DatabaseUnavailableError, MigrationError } from "./errors";
export { migrateToLatest } from "./migrate-to-latest";
export { openWhenReachable, type PendingReadModel } from "./open-when-reachable";
export {
  DatabaseLockedError,
  type LockOwner,
  lockPgliteDirectory,
  pgliteDirOf,
  pgliteOwner,
} from "./pglite-lock";
export type { RequestStateReader } from "./postgres-request-state-reader";
export { PostgresRequestStateReader } from "./postgres-request-state-reader";
export { type BatchResult, projectBatch } from "./project-batch";
export type { Projection } from "./projection";
export {
  lockProjectionPosition,
  readProjectionPosition,
  saveProjectionPosition,
} from "./projection-position";
export type {
  NewProjectionPositionRow,
  ProjectionPositionRow,
  ProjectionPositionsTable,
} from "./projection-positions-table";
export { databaseCheck, readModelCheck } from "./read-model-check";
export {
  RebuildError,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
  rebuildProjection,
} from "./rebuild-projection";
export {
  countRequests,
  findRequestRow,
  findRequestRows,
  listFailedRequests,
  listRequestRows,
  listRequestsToExpire,
  REQUESTS_TABLE,
  upsertRequestRows,
} from "./request-repository";
export { toRequestRow, toRequestState } from "./request-row";
export { projections, requestsProjection } from "./requests-projection";
export type { NewRequestRow, RequestRow, RequestsTable } from "./requests-table";
export { type ProjectionDifference, type VerifyReport, verifyProjection } from "./verify-projection";
