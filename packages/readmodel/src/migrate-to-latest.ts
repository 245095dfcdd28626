import { type Kysely, Migrator, sql } from "kysely";
import type { Database } from "./database";
import { MigrationError } from "./errors";
import { migrationProvider } from "./migrations";

/**
 * Runs every pending migration; returns the names it applied. Safe when several processes start
 * at once: a session advisory lock (per schema) is held on one connection around the whole run,
 * including the creation of kysely's own bookkeeping tables, which Kysely does outside its lock.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db);
    } catch (err) {
      if (attempt >= INTROSPECTION_ATTEMPTS || !isTableDroppedMeanwhile(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
    }
  }
}

/**
 * Kysely's migrator looks for its bookkeeping table by introspecting every table in the database,
 * in every schema; a table or schema dropped while that query runs (a rebuild's swap here or in
 * another schema, a test's cleanup) fails it with "relation (or schema) … does not exist".
 * Nothing was migrated then: try again.
 */
const INTROSPECTION_ATTEMPTS = 8;

function isTableDroppedMeanwhile(err: unknown): boolean {
  const cause = err instanceof MigrationError ? err.cause : err;
  // undefined_table, or invalid_schema_name when a whole schema went (tests drop theirs)
  const code = (cause as { code?: string } | null)?.code;
  return code === "42P01" || code === "3F000";
}

async function migrateOnce(db: Kysely<Database>): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(conn);
    const schema = rows[0]?.schema;
    if (!schema) throw new MigrationError("no current schema: does the schema in search_path exist?");
    const key = `reimagine.readmodel.migrations:${schema}`;
    await sql`select pg_advisory_lock(hashtext(${key}))`.execute(conn);
    try {
      // The bookkeeping tables go in the same schema as the read model, so test schemas never
      // see each other's migration history.
      const migrator = new Migrator({ db: conn, provider: migrationProvider, migrationTableSchema: schema });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error) {
        const failed = results.find((r) => r.status === "Error")?.migrationName ?? "(before any migration)";
        throw new MigrationError(`migration ${failed} failed in schema ${schema}`, { cause: error });
      }
      return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
    }
  });
}
