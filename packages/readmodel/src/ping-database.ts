import { type Kysely, sql } from "kysely";
import type { Database } from "./database";

/** Resolves when the database answers a trivial query: a readiness check. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
