import { randomBytes } from "node:crypto";
import { maskEmail } from "@reimagine/contracts";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { openTestDatabase, type TestDatabase, testDatabaseUrl } from "@reimagine/testing";
import { type Kysely, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, type ReadModelDatabase } from "./create-database";
import { migrateToLatest } from "./migrate-to-latest";
import * as m0001 from "./migrations/0001-create-read-model";
import * as m0002 from "./migrations/0002-model-provenance";
import * as m0003 from "./migrations/0003-personal-data-and-retention";

const tablesOf = async (t: { db: ReadModelDatabase["db"] }, schema: string) =>
  (
    await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = ${schema} order by table_name
    `.execute(t.db)
  ).rows.map((r) => r.table_name);

const ALL = ["0001-create-read-model", "0002-model-provenance", "0003-personal-data-and-retention"];

describe("read-model migrations", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const open = async (options: Parameters<typeof openTestDatabase>[0]) => {
    const t: TestDatabase = await openTestDatabase(options);
    cleanups.push(() => t.cleanup());
    return t;
  };

  it("applies each migration once, however often they run, with their bookkeeping in the same schema", async () => {
    const t = await open({ migrate: false });
    expect(await migrateToLatest(t.db)).toEqual(ALL);
    expect(await migrateToLatest(t.db)).toEqual([]);
    expect(await tablesOf(t, t.schema)).toEqual([
      "kysely_migration",
      "kysely_migration_lock",
      "projection_positions",
      "requests",
    ]);
  });

  it("runs safely when several connections migrate at once", async () => {
    const t = await open({ migrate: false, maxConnections: 6 });
    const applied = await Promise.all(Array.from({ length: 5 }, () => migrateToLatest(t.db)));
    expect(applied.flat()).toEqual(ALL);
  });

  it("0003 replaces the clear-text addresses of existing rows with their masked form", async () => {
    const t = await open({ migrate: false });
    // biome-ignore lint/suspicious/noExplicitAny: the schema as 0002 left it, not the current Database
    const db = t.db as unknown as Kysely<any>;
    await m0001.up(db);
    await m0002.up(db);
    const row = (id: string, email: string | null) => ({
      request_id: id,
      submitted: true,
      status: "notified",
      email,
      retries: "{}",
      history: "[]",
      updated_at: new Date().toISOString(),
      last_position: 1,
    });
    const [a, b] = ["0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a01", "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a02"];
    await db
      .insertInto("requests")
      .values([row(a, "nina.s@example.com"), row(b, null)])
      .execute();
    await m0003.up(db);
    const rows = await db.selectFrom("requests").selectAll().orderBy("request_id").execute();
    expect(rows.map((r) => r.contact)).toEqual([{ masked: maskEmail("nina.s@example.com") }, null]);
    expect(JSON.stringify(rows)).not.toContain("nina.s@");
    expect(rows[0]).not.toHaveProperty("email");
  });

  it("runs safely when several processes open the same fresh schema at once", async () => {
    const schema = `t_${randomBytes(5).toString("hex")}`;
    const config = loadConfig({ DATABASE_URL: testDatabaseUrl() });
    const opened = await Promise.allSettled(
      Array.from({ length: 3 }, () => createDatabase(config, silentLogger, { schema, maxConnections: 2 })),
    );
    const databases = opened.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    cleanups.push(async () => {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(databases[0]!.db);
      for (const d of databases) await d.close();
    });
    expect(opened.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await tablesOf(databases[0]!, schema)).toContain("requests");
  });

  it("runs while another schema's tables come and go (a rebuild's swap elsewhere in the database)", async () => {
    const churn = await open({ migrate: false });
    let stop = false;
    // create and drop tables in another schema, far more often than rebuilds swap tables
    const churning = (async () => {
      for (let i = 0; !stop; i++) {
        await sql`create table ${sql.id(`churn_${i}`)} (a int, b text, c timestamptz)`.execute(churn.db);
        await sql`drop table ${sql.id(`churn_${i}`)}`.execute(churn.db);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      for (let i = 0; i < 15; i++) {
        const t = await open({ migrate: false });
        expect(await migrateToLatest(t.db)).toEqual(ALL);
      }
    } finally {
      stop = true;
      await churning;
    }
  });
});
