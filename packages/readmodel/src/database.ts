import type { ProjectionPositionsTable } from "./projection-positions-table";
import type { RequestsTable } from "./requests-table";

/** Every table of the read model, for `Kysely<Database>`. */
export interface Database {
  requests: RequestsTable;
  projection_positions: ProjectionPositionsTable;
}
