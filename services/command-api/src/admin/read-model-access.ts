import type { ReadModelDatabase } from "@reimagine/readmodel";

/** The read model's query builder, as createDatabase opens it. */
export type ReadModelDb = ReadModelDatabase["db"];

/** Access to the read-model database that may open it on first use and fail while Postgres is down. */
export interface ReadModelAccess {
  db(): Promise<ReadModelDb>;
}
