import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectNats, JetStreamEventStore, subjectLayout } from "@reimagine/eventstore";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { createDatabase, type ReadModelDatabase } from "@reimagine/readmodel";
import {
  type FakeHfServer,
  type ServiceName,
  type ServiceProcess,
  type SmtpSink,
  startFakeHfServer,
  startS3Server,
  startServiceProcess,
  startSmtpSink,
  startTcpProxy,
  type TcpProxy,
  type TestS3Server,
} from "@reimagine/testing";
import { type NatsCluster, startNatsCluster } from "./nats-cluster";
import { type NatsServer, startNatsServer } from "./nats-server";
import { type PostgresCluster, startPostgresCluster } from "./postgres-cluster";

/** The five services, started in this order (the API last, once everything behind it runs). */
export const SERVICES = [
  "projector",
  "caption-handler",
  "generation-handler",
  "notifier",
  "command-api",
] as const;
export type ChaosService = (typeof SERVICES)[number];

const HF_TOKEN = "hf_chaossuitetoken42";
const MAIL_FROM = "reimagine <no-reply@chaos.reimagine.test>";

/**
 * Everything a scenario runs against, each piece its own process or server that a fault can hit:
 * a nats-server and a Postgres cluster the suite started itself, an S3 server, an SMTP sink behind
 * a TCP proxy (to take it away), the fake HF server, and the five services as separate processes.
 */
export interface ChaosEnv {
  /** The single nats-server, in an environment of one (the default). */
  readonly nats: NatsServer | null;
  /** The three-node cluster, in an environment started with `cluster: true` (streams and buckets R3). */
  readonly cluster: NatsCluster | null;
  readonly postgres: PostgresCluster;
  readonly s3: TestS3Server;
  readonly smtp: SmtpSink;
  /** In front of the SMTP sink: closed, the mail server is down. */
  readonly smtpProxy: TcpProxy;
  readonly hf: FakeHfServer;
  /** The running process of each service. */
  readonly services: Map<ChaosService, ServiceProcess>;
  /** The API the load goes to. */
  apiUrl(): string;
  /** Every request id the load got a 202 for, over all scenarios run in this environment. */
  readonly submitted: Set<string>;
  /** The suite's own view of the log and the read model (to check, never to write). */
  readonly store: JetStreamEventStore;
  readonly readModel: ReadModelDatabase;
  /** SIGKILLs a service and starts it again; resolves when the new process is ready. */
  crash(name: ChaosService): Promise<void>;
  /** Services that ended without the suite killing them: each one is a crash the suite did not cause. */
  unexpectedExits(): string[];
  /** Where the services' logs are. */
  readonly logDir: string;
  stop(): Promise<void>;
}

export interface ChaosEnvOptions {
  /** Three nats-servers as one cluster, every service on all three with NATS_REPLICAS=3. */
  cluster?: boolean;
}

/** Starts the environment; `stop()` takes all of it down and removes its data. */
export async function startChaosEnv(options: ChaosEnvOptions = {}): Promise<ChaosEnv> {
  const id = randomBytes(3).toString("hex");
  const logDir = await mkdtemp(join(tmpdir(), "reimagine-chaos-logs-"));
  const dataDir = await mkdtemp(join(tmpdir(), "reimagine-chaos-data-"));
  const cleanups: (() => Promise<unknown>)[] = [];
  const services = new Map<ChaosService, ServiceProcess>();
  const expected = new Set<number>();
  const unexpected: string[] = [];
  try {
    const nats = options.cluster ? null : await startNatsServer();
    if (nats) cleanups.push(() => nats.destroy());
    const cluster = options.cluster ? await startNatsCluster() : null;
    if (cluster) cleanups.push(() => cluster.destroy());
    const natsUrl = (nats ?? cluster)!.url;
    const postgres = await startPostgresCluster();
    cleanups.push(() => postgres.destroy());
    const s3 = await startS3Server();
    cleanups.push(() => s3.stop());
    const smtp = await startSmtpSink();
    cleanups.push(() => smtp.stop());
    const smtpProxy = await startTcpProxy({ port: smtp.port });
    cleanups.push(() => smtpProxy.close());
    const hf = await startFakeHfServer({ token: HF_TOKEN });
    cleanups.push(() => hf.close());

    const env: Record<string, string> = {
      NATS_URL: natsUrl,
      NATS_REPLICAS: cluster ? "3" : "1",
      NATS_STREAM: `CHAOS_${id.toUpperCase()}`,
      DATABASE_URL: postgres.url,
      DATA_DIR: dataDir,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET_ORIGINALS: `chaos-originals-${id}`,
      S3_BUCKET_GENERATED: `chaos-generated-${id}`,
      SMTP_URL: `smtp://127.0.0.1:${smtpProxy.port}`,
      MAIL_FROM,
      PUBLIC_BASE_URL: "http://chaos.reimagine.test",
      HF_TOKEN,
      HF_CAPTION_MODE: "imageToText",
      HF_CAPTION_ENDPOINT_URL: hf.endpoints.imageToText,
      HF_GENERATION_ENDPOINT_URL: hf.endpoints.textToImage,
      HF_TIMEOUT_MS: "5000",
      // Outages of 20 s must not exhaust a stage: attempts and backoff span well beyond that.
      HANDLER_CONCURRENCY: "8",
      HANDLER_MAX_ATTEMPTS: "25",
      HANDLER_ACK_WAIT_MS: "5000",
      HANDLER_BACKOFF_BASE_MS: "250",
      HANDLER_BACKOFF_MAX_MS: "2000",
      SHUTDOWN_GRACE_MS: "2000",
      RATE_LIMIT_PER_MINUTE: "0",
      // The load is 200 clients behind one address: the per-address limit of open uploads would
      // turn a slow moment (an election) into a storm of 429s and retries.
      UPLOADS_PER_CLIENT: "256",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
    };
    const start = async (name: ChaosService) => {
      const proc = await startServiceProcess(name, env, { logDir });
      services.set(name, proc);
      void proc.exited.then((how) => {
        if (!expected.has(proc.pid))
          unexpected.push(`${name} (pid ${proc.pid}) exited: ${how}; see ${proc.logFile}`);
      });
      await proc.ready(60_000);
    };
    cleanups.push(async () => {
      for (const proc of services.values()) expected.add(proc.pid);
      await Promise.all([...services.values()].map((p) => p.stop(5000)));
    });
    for (const name of SERVICES) await start(name);

    const nc = await connectNats(natsUrl, "chaos-suite");
    cleanups.push(() => nc.close());
    const store = await JetStreamEventStore.open(
      nc,
      subjectLayout(env.NATS_STREAM!, env.NATS_STREAM!.toLowerCase()),
      {
        replicas: cluster ? 3 : 1,
        duplicateWindowMs: 120_000,
        ensureStreams: false,
      },
    );
    const readModel = await createDatabase(loadConfig({ DATABASE_URL: postgres.url }, {}), silentLogger, {
      migrate: false,
    });
    cleanups.push(() => readModel.close());

    return {
      nats,
      cluster,
      postgres,
      s3,
      smtp,
      smtpProxy,
      hf,
      services,
      store,
      readModel,
      logDir,
      apiUrl: () => services.get("command-api")!.probeUrl,
      submitted: new Set<string>(),
      async crash(name) {
        const proc = services.get(name)!;
        expected.add(proc.pid);
        await proc.kill();
        await start(name);
      },
      unexpectedExits: () => [...unexpected],
      async stop() {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw err;
  }
}

export type { ServiceName };
