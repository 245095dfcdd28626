import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { createDatabase } from "@reimagine/readmodel";
import {
  makeJpeg,
  startTcpProxy,
  type TcpProxy,
  testDatabaseUrl,
  testNatsUrl,
  waitFor,
} from "@reimagine/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AllInOne, startAllInOne } from "./start-all-in-one";

describe("the all-in-one with Postgres down at start", () => {
  const id = randomBytes(4).toString("hex");
  const stream = `PGDOWN_${id.toUpperCase()}`;
  const schema = `t_${id}`;
  let dataDir: string;
  let postgres: TcpProxy;
  let app: AllInOne;
  const admin = () =>
    createDatabase(loadConfig({ DATABASE_URL: testDatabaseUrl() }, {}), silentLogger, { migrate: false });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "reimagine-pgdown-"));
    const database = await admin();
    await sql`create schema ${sql.id(schema)}`.execute(database.db);
    await database.close();
    postgres = await startTcpProxy({ port: 5432 }, { open: false });
  });
  afterAll(async () => {
    await app?.stop();
    await postgres.close();
    const database = await admin();
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
    await database.close();
    const nc = await connect({ servers: testNatsUrl() });
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.includes(stream)) await jsm.streams.delete(name);
    await nc.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts, takes submissions and answers from the log, then catches up when Postgres returns", async () => {
    const url = `postgres://postgres@127.0.0.1:${postgres.port}/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const config = loadConfig(
      {
        NATS_URL: testNatsUrl(),
        NATS_STREAM: stream,
        DATA_DIR: dataDir,
        DATABASE_URL: url,
        PORT: 0,
        HOST: "127.0.0.1",
        LOG_LEVEL: "silent",
      },
      {},
    );
    app = await startAllInOne(config, silentLogger);
    expect(app.summary.find((s) => s.part === "read model")?.detail).toMatch(/^waiting \(cannot reach/);

    const form = new FormData();
    form.set("image", new Blob([await makeJpeg(48, 48)]), "photo.jpg");
    form.set("email", "down@example.com");
    const res = await fetch(`${app.url}/api/v1/register`, { method: "POST", body: form });
    expect(res.status).toBe(202);
    const { id: requestId } = (await res.json()) as { id: string };
    const status = async () => {
      const r = await fetch(`${app.url}/api/v1/request/${requestId}`);
      return { source: r.headers.get("x-reimagine-source"), body: (await r.json()) as { status: string } };
    };
    // the pipeline runs without the read model; status comes from the log
    await waitFor(async () => (await status()).body.status === "notified", { timeoutMs: 30_000 });
    expect((await status()).source).toBe("event-log");

    await postgres.open();
    const caughtUp = await waitFor(
      async () => {
        const s = await status();
        return s.source === "read-model" && s.body.status === "notified" ? s : null;
      },
      { timeoutMs: 30_000, what: "the read model to catch up" },
    );
    expect(caughtUp.body.status).toBe("notified");
  });
});
