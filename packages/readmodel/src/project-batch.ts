import type { StoredEvent } from "@reimagine/eventstore";
import type { Kysely } from "kysely";
import type { Database } from "./database";
import type { Projection } from "./projection";
import { lockProjectionPosition, saveProjectionPosition } from "./projection-position";

export interface BatchResult {
  /** The projection's position after the batch. */
  position: number;
  /** Events applied (the rest were at or below the stored position). */
  applied: number;
}

/**
 * Applies a batch in ONE transaction: locks the position row first, skips events at or below it
 * (redelivery, replay), applies the rest to the live table and stores the new position, so rows
 * and position commit together or not at all.
 */
export async function projectBatch(
  db: Kysely<Database>,
  projection: Projection,
  events: StoredEvent[],
): Promise<BatchResult> {
  return db.transaction().execute(async (trx) => {
    const stored = await lockProjectionPosition(trx, projection.name);
    const fresh = events.filter((s) => s.position > stored);
    if (fresh.length === 0) return { position: stored, applied: 0 };
    await projection.apply(trx, projection.table, fresh);
    const position = fresh.reduce((max, s) => Math.max(max, s.position), stored);
    await saveProjectionPosition(trx, projection.name, position);
    return { position, applied: fresh.length };
  });
}
