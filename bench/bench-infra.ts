import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  type FakeHfServer,
  type SmtpSink,
  startFakeHfServer,
  startS3Server,
  startSmtpSink,
  type TestS3Server,
  testDatabaseUrl,
  testNatsUrl,
} from "@reimagine/testing";
import pg from "pg";

/** The servers a benchmark run talks to, all local, all torn down by cleanup(). */
export interface BenchInfra {
  /** Scratch space (DATA_DIR of the services). */
  dir: string;
  /** Where the processes' logs go; kept after the run for a look when something went wrong. */
  logDir: string;
  nc: NatsConnection;
  s3: TestS3Server;
  smtp: SmtpSink;
  hf: FakeHfServer;
  /** A database created for this run (dropped by cleanup). */
  databaseUrl: string;
  /** A random id: streams, subject prefixes and tables of this run contain it. */
  id: string;
  /** The environment every reimagine service of the run gets. */
  serviceEnv: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * Starts an S3 server, an SMTP sink and the fake HuggingFace server (answers at once) and creates a
 * database, on the local NATS and Postgres, with names no other run uses.
 */
export async function startBenchInfra(): Promise<BenchInfra> {
  const id = randomBytes(4).toString("hex");
  const dir = await mkdtemp(join(tmpdir(), "reimagine-bench-"));
  const logDir = await mkdtemp(join(tmpdir(), "reimagine-bench-logs-"));
  const nc = await connect({ servers: testNatsUrl() });
  const [s3, smtp, hf] = await Promise.all([startS3Server(), startSmtpSink(), startFakeHfServer()]);
  const database = `bench_${id}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const databaseUrl = new URL(testDatabaseUrl());
  databaseUrl.pathname = `/${database}`;
  const serviceEnv = {
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATA_DIR: dir,
    NATS_URL: testNatsUrl(),
    NATS_STREAM: `BENCH_${id.toUpperCase()}`,
    NATS_SUBJECT_PREFIX: `bench${id}`,
    DATABASE_URL: databaseUrl.href,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY: s3.accessKey,
    S3_SECRET_KEY: s3.secretKey,
    SMTP_URL: smtp.url,
    HF_TOKEN: "hf_bench",
    // The default caption mode: a vision chat model, the image sent inline in the JSON body.
    HF_CAPTION_ENDPOINT_URL: hf.endpoints.chatCompletion,
    HF_GENERATION_ENDPOINT_URL: hf.endpoints.textToImage,
    PUBLIC_BASE_URL: "http://reimagine.bench",
    // One client address stands for many people here: the per-client limits are off.
    RATE_LIMIT_PER_MINUTE: "0",
    UPLOADS_PER_CLIENT: "1024",
    PIXEL_BUDGET_PER_MINUTE: "0",
  };
  return {
    dir,
    logDir,
    nc,
    s3,
    smtp,
    hf,
    databaseUrl: databaseUrl.href,
    id,
    serviceEnv,
    async cleanup() {
      const jsm = await jetstreamManager(nc);
      for await (const name of jsm.streams.names()) {
        if (name.toLowerCase().includes(id)) await jsm.streams.delete(name);
      }
      await nc.close();
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
      await Promise.allSettled([s3.stop(), smtp.stop(), hf.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
