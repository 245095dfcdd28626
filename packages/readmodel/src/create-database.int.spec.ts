import { openTestDatabase, testDatabaseUrl, waitFor } from "@reimagine/testing";
import { sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";

describe("createDatabase on Postgres", () => {
  it("survives the server ending a connection while a query is in flight (no unhandled 'error')", async () => {
    const d = await openTestDatabase();
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      const marker = `in_flight_${d.schema}`;
      const inFlight = sql`select pg_sleep(10), ${sql.lit(marker)}::text`.execute(d.db);
      const outcome = inFlight.then(
        () => "finished",
        (err: Error) => err.message,
      );
      // What Postgres going away does to a client in use: its backend ends mid-query.
      for (let i = 0; i < 100; i++) {
        const { rows } = await admin.query(
          "select pg_terminate_backend(pid) as ended from pg_stat_activity where query like $1 and pid <> pg_backend_pid()",
          [`%${marker}%`],
        );
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await outcome).toMatch(/terminat/i);
      // the process is still here, and the pool hands out a working connection again (a query may
      // still meet the dying connection before the pool has dropped it: the callers retry)
      const answers = () =>
        sql`select 1`.execute(d.db).then(
          () => true,
          () => false,
        );
      await waitFor(answers, { what: "a working connection" });
    } finally {
      await admin.end();
      await d.cleanup();
    }
  });
});
