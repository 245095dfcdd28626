import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { S3BlobStore } from "@reimagine/blobs";
import { type ServiceProcess, startServiceProcess, waitFor } from "@reimagine/testing";
import pg from "pg";
import sharp from "sharp";
import { type BenchInfra, startBenchInfra } from "./bench-infra";
import type { FloorStage } from "./floor/floor-pipeline";
import { startFloorPipeline } from "./floor/start-floor-pipeline";
import { processUsage } from "./process-usage";
import type { BenchResult, BenchTable } from "./report";
import { steadyUploads } from "./steady-load";

const RATE = 20;
const SECONDS = 30;
const REQUESTS = RATE * SECONDS;
/**
 * Requests before the measurement starts, at the same rate: connection pools, lazy imports and the
 * JIT warm up. V8 optimises a function once it has run enough, so code that runs once per request
 * is still being compiled hundreds of requests in (measured with --trace-opt: the caption handler
 * compiled 216 functions between its 200th and 640th request; perf put a quarter of its CPU in that
 * window in TurboFan's compiler threads). A service runs for days; what it costs per request is
 * what it costs once warm, so the run measures after 30 s.
 */
const WARM_UP = RATE * 30;
/**
 * How long a service sits idle before its RSS is read: after a start, V8's memory reducer runs the
 * collections that give back what starting up left behind (read after 3 s, one build's idle RSS
 * varied by up to 16 MiB between runs, with when V8 had last collected). Sampled each second after
 * ready, three starts each: RSS drops by 5-9 MiB 8-10 s in and is flat from there to 30 s (caption
 * handler 83-90 → 75-77 MiB, generation 76-82 → 68-70, notifier 74 → 68-69); a read at 10 s once
 * caught the caption handler before the drop (85 MiB). Read at 20 s, well after it.
 */
const IDLE_SETTLE_MS = 20_000;

const SERVICES = ["command-api", "caption-handler", "generation-handler", "projector", "notifier"] as const;
type Service = (typeof SERVICES)[number];
const FLOOR_STAGE: Record<Service, FloorStage> = {
  "command-api": "api",
  "caption-handler": "caption",
  "generation-handler": "generation",
  projector: "projector",
  notifier: "notifier",
};

/** One process of a load run: what it used per request, and its peak. */
interface ProcessFigures {
  cpuMsPerRequest: number;
  peakRssMiB: number;
}

/** A process under measurement and how to end it. */
interface Measured {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Resources of each service run as its own process: idle RSS when started alone, then peak RSS and
 * CPU milliseconds per request during an end-to-end run at a steady RATE requests/s of ~256 KB
 * JPEGs with models that answer at once, beside a floor pipeline doing the same I/O by hand (same
 * run, same load, same servers).
 */
export async function benchServiceResources(): Promise<{ tables: BenchTable[]; results: BenchResult[] }> {
  const infra = await startBenchInfra();
  const started: Measured[] = [];
  let db: pg.Pool | undefined;
  try {
    const image = await benchJpeg();
    await new S3BlobStore({ ...infra.s3, region: "us-east-1" }).ensureBuckets([
      "reimagine-originals",
      "reimagine-generated",
    ]);

    const bareNode = await idleRssOfBareNode();
    const idle = {} as Record<Service, number>;
    for (const service of SERVICES) {
      const proc = await startService(infra, service);
      await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
      idle[service] = processUsage(proc.pid).rssMiB;
      await proc.stop();
    }

    const pipeline = {} as Record<Service, ServiceProcess>;
    // Consumers first, the API last: nothing waits on a stage that is still starting.
    for (const service of [...SERVICES].reverse()) {
      pipeline[service] = await startService(infra, service);
      started.push(pipeline[service]);
    }
    const pool = new pg.Pool({ connectionString: infra.databaseUrl, max: 1 });
    // The run's database is dropped at the end with its connections: not an error worth a crash.
    pool.on("error", () => undefined);
    db = pool;
    const notifiedRows = async (table: string) =>
      Number((await pool.query(`select count(*) as n from ${table} where status = 'notified'`)).rows[0].n);
    const ours = await loadRun(
      infra,
      pipeline["command-api"].probeUrl,
      image,
      SERVICES.map((s) => pipeline[s]),
      () => notifiedRows("requests"),
    );
    for (const p of started.splice(0)) await p.stop();

    const floor = await startFloorPipeline(infra);
    started.push(...floor.processes.values());
    const floorFigures = await loadRun(
      infra,
      floor.apiUrl,
      image,
      SERVICES.map((s) => floor.processes.get(FLOOR_STAGE[s])!),
      () => notifiedRows(floor.table),
    );

    const rows = SERVICES.map((service, i) => {
      const us = ours.processes[i]!;
      const them = floorFigures.processes[i]!;
      return [
        service,
        mib(idle[service]),
        mib(us.peakRssMiB),
        ms(us.cpuMsPerRequest),
        ms(them.cpuMsPerRequest),
        ratio(us.cpuMsPerRequest, them.cpuMsPerRequest),
      ];
    });
    const total = (f: ProcessFigures[]) => f.reduce((sum, p) => sum + p.cpuMsPerRequest, 0);
    rows.push([
      "all services",
      "",
      "",
      ms(total(ours.processes)),
      ms(total(floorFigures.processes)),
      ratio(total(ours.processes), total(floorFigures.processes)),
    ]);
    const kb = Math.round(image.length / 1024);
    return {
      tables: [
        {
          title:
            `Each service as its own process: idle RSS started alone (bare node: ${mib(bareNode)} MiB); ` +
            `peak RSS and CPU per request over ${REQUESTS} requests at ${RATE}/s (${kb} KB JPEGs, instant fake ` +
            `models), against a hand-written floor pipeline doing the same I/O in the same run ` +
            `(uploads sent at ${ours.perSecond.toFixed(1)} vs ${floorFigures.perSecond.toFixed(1)}/s, ` +
            `${ours.seconds.toFixed(1)} s vs ${floorFigures.seconds.toFixed(1)} s to drain, ` +
            `${ours.refused} vs ${floorFigures.refused} refused with 503 and sent again; ` +
            `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores at the end)`,
          header: ["service", "idle RSS MiB", "peak RSS MiB", "CPU ms/req", "floor ms/req", "ratio"],
          rows,
        },
      ],
      results: [
        {
          name: `CPU per request across all five services, ${RATE} requests/s end to end`,
          unit: "ms",
          value: total(ours.processes),
          baselineName: "floor pipeline, same I/O, no framework",
          baseline: total(floorFigures.processes),
        },
        {
          name: "highest idle RSS of one service started alone",
          unit: "MiB",
          value: Math.max(...Object.values(idle)),
          baselineName: "bare node process",
          baseline: bareNode,
        },
        {
          name: `highest peak RSS of one service, ${RATE} requests/s end to end`,
          unit: "MiB",
          value: Math.max(...ours.processes.map((p) => p.peakRssMiB)),
          baselineName: "highest of the floor's processes",
          baseline: Math.max(...floorFigures.processes.map((p) => p.peakRssMiB)),
        },
      ],
    };
  } catch (err) {
    throw new Error(`service resources benchmark failed; logs in ${infra.logDir}`, { cause: err });
  } finally {
    for (const p of started) await p.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await infra.cleanup();
  }
}

/**
 * Warms up with WARM_UP requests, then measures REQUESTS at RATE/s from the first upload until
 * every request is mailed and projected: CPU per request and peak RSS of each process.
 */
async function loadRun(
  infra: BenchInfra,
  baseUrl: string,
  image: Buffer,
  processes: Measured[],
  projectedNotified: () => Promise<number>,
): Promise<{ processes: ProcessFigures[]; seconds: number; refused: number; perSecond: number }> {
  infra.smtp.reset();
  const completed = async (n: number) => infra.smtp.messages.length >= n && (await projectedNotified()) >= n;
  await steadyUploads(baseUrl, image, WARM_UP, RATE);
  await waitFor(() => completed(WARM_UP), { timeoutMs: 120_000, intervalMs: 100, what: "the warm-up" });
  infra.hf.reset();
  const before = processes.map((p) => processUsage(p.pid));
  const startedAt = performance.now();
  const { refused, perSecond } = await steadyUploads(baseUrl, image, REQUESTS, RATE);
  await waitFor(() => completed(WARM_UP + REQUESTS), {
    timeoutMs: 300_000,
    intervalMs: 50,
    what: `${REQUESTS} requests to be mailed and projected`,
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const after = processes.map((p) => processUsage(p.pid));
  infra.hf.reset();
  return {
    seconds,
    refused,
    perSecond,
    processes: processes.map((_, i) => ({
      cpuMsPerRequest: (after[i]!.cpuMs - before[i]!.cpuMs) / REQUESTS,
      peakRssMiB: after[i]!.peakRssMiB,
    })),
  };
}

async function startService(infra: BenchInfra, service: Service): Promise<ServiceProcess> {
  const proc = await startServiceProcess(
    service,
    { ...infra.serviceEnv, OTEL_SERVICE_NAME: service },
    { logDir: infra.logDir },
  );
  try {
    await proc.ready(60_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

/** RSS of a node process that does nothing: the floor under any service's idle RSS. */
async function idleRssOfBareNode(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const rss = processUsage(child.pid!).rssMiB;
  child.kill();
  return rss;
}

/** A ~256 KB photo-like JPEG (a gradient with noise, so it compresses like a photo). */
function benchJpeg(): Promise<Buffer> {
  return sharp({
    create: {
      width: 936,
      height: 702,
      channels: 3,
      background: { r: 120, g: 90, b: 60 },
      noise: { type: "gaussian", mean: 110, sigma: 30 },
    },
  })
    .jpeg({ quality: 80 })
    .toBuffer();
}

const mib = (n: number) => n.toFixed(0);
const ms = (n: number) => n.toFixed(1);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : "-");
