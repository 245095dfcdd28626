import { type Kysely, sql } from "kysely";
import type { Database } from "./database";

/** Renames `live` to `old` and `fresh` to `live`, inside the caller's transaction. */
export async function swapTables(
  trx: Kysely<Database>,
  tables: { live: string; fresh: string; old: string },
): Promise<void> {
  await sql`alter table ${sql.id(tables.live)} rename to ${sql.id(tables.old)}`.execute(trx);
  await sql`alter table ${sql.id(tables.fresh)} rename to ${sql.id(tables.live)}`.execute(trx);
}

/**
 * Renames the indexes of a table from the `<from>_…` names Postgres gave them to `<to>_…`, so a
 * swapped-in copy carries the names the migrations gave the original (and later migrations that
 * name an index still find it). Renaming a constraint's index renames the constraint too.
 */
export async function renameIndexes(
  trx: Kysely<Database>,
  names: { from: string; to: string },
): Promise<void> {
  const table = (
    await sql<{ name: string }>`
    select c.relname as name from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_class t on t.oid = i.indrelid
    where t.relname = ${names.to} and t.relnamespace = current_schema()::regnamespace
  `.execute(trx)
  ).rows;
  const prefix = `${names.from}_`;
  for (const { name } of table) {
    if (!name.startsWith(prefix)) continue;
    const renamed = `${names.to}_${name.slice(prefix.length)}`;
    await sql`alter index ${sql.id(name)} rename to ${sql.id(renamed)}`.execute(trx);
  }
}
