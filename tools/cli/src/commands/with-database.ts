import { silentLogger } from "@reimagine/platform";
import type { LockOwner } from "@reimagine/readmodel";
import { type AdminClient, adminClient } from "../admin-client";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";

type Database = Awaited<ReturnType<typeof import("@reimagine/readmodel").createDatabase>>;

/**
 * How a command reaches the read model: its own connection (Postgres, or an embedded PGlite that
 * no process has open), or, while a server holds the embedded one, that server's admin API. The
 * CLI never opens a PGlite directory another process has open.
 */
export type ReadModelRoute =
  | { via: "database" }
  | { via: "server"; owner: LockOwner; admin: AdminClient | null; dir: string };

/** Where the read model is for this command (see ReadModelRoute). */
export async function readModelRoute(ctx: CliContext): Promise<ReadModelRoute> {
  if (ctx.config.DATABASE_URL) return { via: "database" };
  const { pgliteDirOf, pgliteOwner } = await import("@reimagine/readmodel");
  const dir = pgliteDirOf(ctx.config);
  const owner = await pgliteOwner(dir);
  if (!owner) return { via: "database" };
  const token = ctx.config.ADMIN_TOKEN;
  return { via: "server", owner, dir, admin: token ? adminClient(ctx, token) : null };
}

/** The server's admin API for a command that needs the read model it holds, or a one-line why not. */
export function serverAdmin(route: Extract<ReadModelRoute, { via: "server" }>, verb: string): AdminClient {
  if (route.admin) return route.admin;
  throw new CliError(
    `${verb} needs the read model, and the embedded one in ${route.dir} is open in process ${route.owner.pid} ` +
      "(a running reimagine server): set ADMIN_TOKEN to the server's so the CLI can ask it, or stop the server",
  );
}

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
