import { type Config, type PreflightCheck, type PreflightResult, silentLogger } from "@reimagine/platform";
import { type Kysely, sql } from "kysely";
import { createDatabase } from "./create-database";
import type { Database } from "./database";
import { migrationProvider } from "./migrations";

const NAME = "Postgres (read model)";

/** `Postgres (read model)` of a service that has the database: it answers, at which migration. */
export function databaseCheck(db: () => Promise<Kysely<Database>>, where: string): PreflightCheck {
  return { name: NAME, run: async () => migrationState(await db(), where) };
}

/**
 * `Postgres (read model)` from the configuration alone (the operator's doctor): opens DATABASE_URL
 * without migrating, asks which migration it is at, closes. Embedded PGlite is not opened: it
 * belongs to the all-in-one process, which may be running.
 */
export function readModelCheck(config: Config): PreflightCheck {
  return {
    name: NAME,
    async run(): Promise<PreflightResult> {
      if (!config.DATABASE_URL) {
        return {
          status: "unchecked",
          detail:
            "DATABASE_URL unset: the all-in-one uses embedded PGlite in DATA_DIR; services on their own need it",
        };
      }
      const database = await createDatabase(config, silentLogger, { migrate: false, maxConnections: 1 });
      try {
        return await migrationState(database.db, database.describe());
      } finally {
        await database.close();
      }
    },
  };
}

async function migrationState(db: Kysely<Database>, where: string): Promise<PreflightResult> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const latest = known.at(-1);
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`
    .execute(db)
    .then((r) => r.rows[0]?.name ?? null)
    .catch(() => null);
  if (applied === latest) return { status: "ok", detail: `${where}: answers, at migration ${applied}` };
  return {
    status: "ok",
    detail: `${where}: answers; migrations up to ${latest} are applied at the next service start (now: ${applied ?? "none"})`,
  };
}
