import { mkdir } from "node:fs/promises";
import type { Config, Logger } from "@reimagine/platform";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./database";
import { DatabaseUnavailableError } from "./errors";
import { migrateToLatest } from "./migrate-to-latest";
import { lockPgliteDirectory, pgliteDirOf } from "./pglite-lock";

export interface CreateDatabaseOptions {
  /**
   * Schema to work in (created if missing, first in search_path). Tests pass a random one so
   * they never collide; production leaves it unset and uses the connection's default.
   */
  schema?: string;
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size for Postgres (default 10). */
  maxConnections?: number;
}

/** An open read-model database. */
export interface ReadModelDatabase {
  db: Kysely<Database>;
  kind: "postgres" | "pglite";
  /** Schema in use, when one was asked for. */
  schema: string | undefined;
  /** Where the data lives, without credentials: for logs and error messages. */
  describe(): string;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** OID of int8/bigint: positions and counts. pg hands them over as strings. */
const INT8_OID = 20;

/**
 * Opens the read model: Postgres through `pg` when DATABASE_URL is set, else embedded PGlite
 * under `${DATA_DIR}/pglite`; runs migrations unless told not to.
 */
export async function createDatabase(
  config: Config,
  logger: Logger,
  options: CreateDatabaseOptions = {},
): Promise<ReadModelDatabase> {
  const { schema, migrate = true } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`not a valid schema name: ${JSON.stringify(schema)}`);
  }
  const opened = config.DATABASE_URL
    ? openPostgres(config.DATABASE_URL, logger, options)
    : await openPglite(pgliteDirOf(config));
  const where = `${opened.where}${schema ? ` (schema ${schema})` : ""}`;
  try {
    if (schema) await prepareSchema(opened.db, schema, opened.kind);
    await sql`select 1`.execute(opened.db);
  } catch (cause) {
    await opened.close().catch(() => undefined);
    throw new DatabaseUnavailableError(`cannot reach the read-model database at ${where}`, { cause });
  }
  if (migrate) {
    try {
      const applied = await migrateToLatest(opened.db);
      if (applied.length > 0) logger.info({ applied, database: where }, "read-model migrations applied");
    } catch (err) {
      await opened.close().catch(() => undefined);
      throw err;
    }
  }
  logger.debug({ database: where }, "read-model database open");
  return {
    db: opened.db,
    kind: opened.kind,
    schema,
    describe: () => where,
    close: () => opened.close(),
  };
}

interface Opened {
  db: Kysely<Database>;
  kind: "postgres" | "pglite";
  where: string;
  close(): Promise<void>;
}

function openPostgres(url: string, logger: Logger, options: CreateDatabaseOptions): Opened {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // Fail a query quickly when Postgres is gone, so the projector backs off and readiness tells.
    connectionTimeoutMillis: 5000,
    // Every new connection starts in the schema, so no query needs qualifying.
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID && format !== "binary"
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server emits on the pool; a client in use emits on itself. Either,
  // unhandled, would crash the process; the query in flight fails on its own and is retried.
  pool.on("connect", (client) =>
    client.on("error", (err) => logger.warn({ err }, "read-model database connection lost")),
  );
  // The pool re-emits an idle client's error (already logged above); without a listener it throws.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: "postgres", where: redact(url), close: () => db.destroy() };
}

/** PGlite in `dir`, locked for this process alone (a second opener would corrupt it). */
async function openPglite(dir: string): Promise<Opened> {
  await mkdir(dir, { recursive: true });
  const release = await lockPgliteDirectory(dir);
  let db: Kysely<Database>;
  try {
    // Loaded on demand: the WebAssembly build is large and unused when Postgres is configured.
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("kysely-pglite-dialect"),
    ]);
    db = new Kysely<Database>({ dialect: new PGliteDialect(new PGlite(dir)) });
  } catch (err) {
    await release();
    throw err;
  }
  const close = async () => {
    try {
      await db.destroy();
    } finally {
      await release();
    }
  };
  return { db, kind: "pglite", where: `pglite ${dir}`, close };
}

/** Creates the schema and makes it current. PGlite has one session, so a SET is enough there. */
async function prepareSchema(db: Kysely<Database>, schema: string, kind: Opened["kind"]): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db).catch(async (err) => {
    // Two processes creating the same schema at once: one loses on the catalog's unique index.
    const exists = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db);
    if (exists.rows.length === 0) throw err;
  });
  if (kind === "pglite") await sql`set search_path to ${sql.id(schema)}`.execute(db);
}

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} does not fit a JavaScript number`);
  return n;
}

/** The URL without its password. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres (unparseable DATABASE_URL)";
  }
}
