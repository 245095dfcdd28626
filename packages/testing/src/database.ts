import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { createDatabase, type Database, type ReadModelDatabase } from "@reimagine/readmodel";
import { type Kysely, sql } from "kysely";

/** Postgres for integration tests: DATABASE_URL, else the local server's `test` database. */
export const testDatabaseUrl = (): string =>
  loadConfig().DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  db: Kysely<Database>;
  database: ReadModelDatabase;
  /** The random schema (Postgres) the test works in. */
  schema: string;
  /** Drops the schema (Postgres) or the data directory (PGlite) and closes. */
  cleanup(): Promise<void>;
}

/**
 * A migrated read model no other test sees: a random schema on the test Postgres, or with
 * `kind: "pglite"` an embedded PGlite in a temporary directory.
 */
export async function openTestDatabase(
  options: { kind?: "postgres" | "pglite"; migrate?: boolean; maxConnections?: number } = {},
): Promise<TestDatabase> {
  const schema = `t_${randomBytes(5).toString("hex")}`;
  if (options.kind === "pglite") {
    const dir = await mkdtemp(join(tmpdir(), "reimagine-pglite-"));
    // An empty environment: a DATABASE_URL set for the other tests must not win here.
    const config = loadConfig({ DATA_DIR: dir }, {});
    const database = await createDatabase(config, silentLogger, { schema, migrate: options.migrate });
    return {
      db: database.db,
      database,
      schema,
      async cleanup() {
        await database.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const config = loadConfig({ DATABASE_URL: testDatabaseUrl() });
  const database = await createDatabase(config, silentLogger, {
    schema,
    migrate: options.migrate,
    maxConnections: options.maxConnections,
  });
  return {
    db: database.db,
    database,
    schema,
    async cleanup() {
      try {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
      } finally {
        await database.close();
      }
    },
  };
}
