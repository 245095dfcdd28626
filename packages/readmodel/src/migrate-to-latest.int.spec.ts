import { randomBytes } from "node:crypto";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { openTestDatabase, type TestDatabase, testDatabaseUrl } from "@reimagine/testing";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, type ReadModelDatabase } from "./create-database";
import { migrateToLatest } from "./migrate-to-latest";

const tablesOf = async (t: { db: ReadModelDatabase["db"] }, schema: string) =>
  (
    await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = ${schema} order by table_name
    `.execute(t.db)
  ).rows.map((r) => r.table_name);

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
    expect(await migrateToLatest(t.db)).toEqual(["0001-create-read-model", "0002-model-provenance"]);
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
    expect(applied.flat()).toEqual(["0001-create-read-model", "0002-model-provenance"]);
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
});
