import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { S3BlobStore } from "@reimagine/blobs";
import pg from "pg";
import type { BenchInfra } from "../bench-infra";
import type { FloorSpec, FloorStage } from "./floor-pipeline";

const STAGES: FloorStage[] = ["projector", "notifier", "generation", "caption", "api"];
const ENTRY = fileURLToPath(new URL("./floor-pipeline.ts", import.meta.url));

/** The floor pipeline, one process per stage, and how to stop each. */
export interface FloorPipeline {
  apiUrl: string;
  /** Table its projector writes (status 'notified' once a request is through). */
  table: string;
  processes: Map<FloorStage, { pid: number; stop(): Promise<void> }>;
}

/**
 * Creates the floor's stream (settings of reimagine's event stream), buckets and table on the
 * run's servers and starts its five stage processes (each prints a line once it is consuming).
 */
export async function startFloorPipeline(infra: BenchInfra): Promise<FloorPipeline> {
  const stream = `FLOOR_${infra.id.toUpperCase()}`;
  const prefix = `floor${infra.id}`;
  const table = `floor_${infra.id}`;
  const jsm = await jetstreamManager(infra.nc);
  await jsm.streams.add({
    name: stream,
    subjects: [`${prefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: 1,
    duplicate_window: 120 * 1_000_000_000,
  });
  const originals = "floor-originals";
  const generated = "floor-generated";
  await new S3BlobStore({ ...infra.s3, region: "us-east-1" }).ensureBuckets([originals, generated]);
  const db = new pg.Client({ connectionString: infra.databaseUrl });
  await db.connect();
  await db.query(
    `create table ${table} (request_id text primary key, status text not null, history jsonb not null, position bigint not null)`,
  );
  await db.end();

  const base: Omit<FloorSpec, "stage"> = {
    natsUrl: infra.serviceEnv.NATS_URL!,
    stream,
    prefix,
    s3: { ...infra.s3, originals, generated },
    hf: { ...infra.hf.endpoints, token: "hf_bench" },
    databaseUrl: infra.databaseUrl,
    table,
    smtpUrl: infra.smtp.url,
  };
  const processes: FloorPipeline["processes"] = new Map();
  let apiUrl = "";
  for (const stage of STAGES) {
    const { child, firstLine } = startStage({ ...base, stage }, join(infra.logDir, `floor-${stage}.log`));
    const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
    processes.set(stage, {
      pid: child.pid!,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill();
        await exited;
      },
    });
    const line = await firstLine;
    if (stage === "api") apiUrl = line;
  }
  return { apiUrl, table, processes };
}

function startStage(spec: FloorSpec, logFile: string): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, JSON.stringify(spec)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.pipe(createWriteStream(logFile));
  const firstLine = new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once("line", ok);
    child.once("exit", (code) => fail(new Error(`floor ${spec.stage} exited ${code}; see ${logFile}`)));
  });
  return { child, firstLine };
}
