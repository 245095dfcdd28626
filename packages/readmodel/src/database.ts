import { type Kysely, sql } from "kysely";
import type { ProjectionPositionsTable } from "./projection-positions-table";
import type { RequestsTable } from "./requests-table";

/** Every table of the read model, for `Kysely<Database>`. */
export interface Database {
  requests: RequestsTable;
  projection_positions: ProjectionPositionsTable;
}

/** Resolves when the database answers a trivial query: a readiness check. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
