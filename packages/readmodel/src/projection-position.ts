import { type Kysely, sql } from "kysely";
import type { Database } from "./database";

/**
 * Locks a projection's position row for the rest of the transaction (creating it at 0 if
 * missing) and returns the position. Every writer of a projection takes this lock first, which
 * serialises live batches and a rebuild's table swap without lock-order deadlocks.
 */
export async function lockProjectionPosition(trx: Kysely<Database>, name: string): Promise<number> {
  const locked = await selectForUpdate(trx, name);
  if (locked !== undefined) return locked;
  await trx
    .insertInto("projection_positions")
    .values({ name, position: 0 })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const created = await selectForUpdate(trx, name);
  if (created === undefined) throw new Error(`projection position ${name} vanished while being created`);
  return created;
}

async function selectForUpdate(trx: Kysely<Database>, name: string): Promise<number | undefined> {
  const row = await trx
    .selectFrom("projection_positions")
    .select("position")
    .where("name", "=", name)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.position);
}

/** Stores a projection's position; call it in the transaction that wrote the rows. */
export async function saveProjectionPosition(
  trx: Kysely<Database>,
  name: string,
  position: number,
): Promise<void> {
  await trx
    .updateTable("projection_positions")
    .set({ position, updated_at: sql<string>`now()` })
    .where("name", "=", name)
    .execute();
}

/** A projection's stored position, 0 when it has never run. */
export async function readProjectionPosition(db: Kysely<Database>, name: string): Promise<number> {
  const row = await db
    .selectFrom("projection_positions")
    .select("position")
    .where("name", "=", name)
    .executeTakeFirst();
  return row ? Number(row.position) : 0;
}
