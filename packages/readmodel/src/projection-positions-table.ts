import type { ColumnType, Insertable, Selectable } from "kysely";

/** The `projection_positions` table: how far in the log each projection has got. */
export interface ProjectionPositionsTable {
  name: string;
  /** Global position (stream sequence) of the last event applied; 0 before the first. */
  position: number;
  updated_at: ColumnType<Date, string | undefined, string>;
}

export type ProjectionPositionRow = Selectable<ProjectionPositionsTable>;
export type NewProjectionPositionRow = Insertable<ProjectionPositionsTable>;
