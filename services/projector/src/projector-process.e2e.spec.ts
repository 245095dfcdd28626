import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { createDatabase } from "@reimagine/readmodel";
import {
  appendInterleaved,
  openTestStore,
  requestFlow,
  startServiceProcess,
  startTcpProxy,
  type TestStore,
  testDatabaseUrl,
  testNatsUrl,
  waitFor,
} from "@reimagine/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("the projector as its own process", () => {
  let t: TestStore;
  let dir: string;
  const schema = `t_${randomBytes(5).toString("hex")}`;
  const admin = () =>
    createDatabase(loadConfig({ DATABASE_URL: testDatabaseUrl() }, {}), silentLogger, { migrate: false });
  beforeAll(async () => {
    t = await openTestStore();
    dir = await mkdtemp(join(tmpdir(), "reimagine-projector-"));
    const database = await admin();
    await sql`create schema ${sql.id(schema)}`.execute(database.db);
    await database.close();
  });
  afterAll(async () => {
    const database = await admin();
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db).catch(() => undefined);
    await database.close();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("waits for Postgres instead of exiting, says so in /readyz, and projects once it answers", async () => {
    const head = await appendInterleaved(t.store, [requestFlow("notified"), requestFlow("failed")]);
    const postgres = await startTcpProxy({ port: 5432 }, { open: false });
    const proc = await startServiceProcess(
      "projector",
      {
        NATS_URL: testNatsUrl(),
        NATS_STREAM: t.layout.stream,
        NATS_SUBJECT_PREFIX: t.layout.allEvents.split(".")[0],
        DATABASE_URL: `postgres://postgres@127.0.0.1:${postgres.port}/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        LOG_FORMAT: "json",
      },
      { logDir: dir },
    );
    try {
      const waiting = await waitFor(
        async () => {
          const res = await fetch(`${proc.healthUrl}/readyz`).catch(() => null);
          const body = res ? ((await res.json()) as { checks?: { startup?: string } }) : null;
          return res?.status === 503 && body?.checks?.startup?.startsWith("starting: waiting for")
            ? body
            : null;
        },
        { timeoutMs: 30_000, what: "the projector to say what it waits for" },
      );
      expect(waiting.checks?.startup).toMatch(/^starting: waiting for the read-model database: cannot reach/);
      await postgres.open();
      await proc.ready(30_000);
      const details = await waitFor(
        async () => {
          const body = (await (await fetch(`${proc.probeUrl}/readyz`)).json()) as {
            projection: { position: number };
          };
          return body.projection.position === head ? body : null;
        },
        { what: "the projector to catch up" },
      );
      expect(details).toMatchObject({ status: "ready", projection: { position: head, lag: 0 } });
      expect(await readFile(proc.logFile, "utf8")).toContain("waiting for the read-model database");
    } finally {
      await proc.stop();
      await postgres.close();
    }
    expect(await proc.exited).toBe(0);
  });
});
