import { silentLogger } from "@reimagine/platform";
import type { CliContext } from "../cli-context";

type Database = Awaited<ReturnType<typeof import("@reimagine/readmodel").createDatabase>>;

/**
 * Opens the read-model database (migrated) for one command and closes it afterwards. Loaded on
 * demand so that commands working on the log alone never touch Postgres.
 */
export async function withDatabase<T>(ctx: CliContext, work: (db: Database["db"]) => Promise<T>): Promise<T> {
  const { createDatabase } = await import("@reimagine/readmodel");
  const database = await createDatabase(ctx.config, silentLogger);
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}
