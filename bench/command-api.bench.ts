import { spawn } from "node:child_process";
import { Agent, createServer, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startCommandApi } from "@reimagine/command-api";
import { openTestApi } from "@reimagine/command-api/testing";
import { startS3Server } from "@reimagine/testing";
import sharp from "sharp";
import { v7 as uuidv7 } from "uuid";
import type { BenchResult } from "./report";

const CONCURRENCY = 32;
/** Requests per measured round, after a warm-up; rounds alternate floor and API. */
const REQUESTS = 800;
const WARMUP = 64;
const ROUNDS = 2;
const SLOW_CONNECTIONS = 50;
const BURST = 64;
/** UPLOAD_CONCURRENCY high enough that no upload of the burst ever waits. */
const UNBOUNDED = 1024;
const BOUNDARY = "----reimagine-bench";

/** A noisy (hard to compress) JPEG of about `bytes`. */
async function jpegOfAbout(bytes: number): Promise<Buffer> {
  let side = 600;
  for (;;) {
    const jpeg = await sharp({
      create: {
        width: side,
        height: side,
        channels: 3,
        background: "#888",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 85 })
      .toBuffer();
    if (Math.abs(jpeg.length - bytes) < bytes * 0.05) return jpeg;
    side = Math.round(side * Math.sqrt(bytes / jpeg.length));
  }
}

/** A submission body around `image`. */
function multipart(image: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nbench@example.com\r\n` +
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\n` +
        "Content-Type: image/jpeg\r\n\r\n",
    ),
    image,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** One POST of `body` on `agent`; resolves with the status and the time to the whole answer. */
function post(
  url: string,
  body: Buffer,
  agent?: Agent,
  localAddress?: string,
): Promise<{ status: number; ms: number }> {
  const target = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: "POST",
        path: "/api/v1/register",
        agent,
        localAddress,
        headers: {
          "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          "content-length": body.length,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  /** The server process's CPU time per request (user + system), warm-up included. */
  cpuPerRequest?: number;
}

/**
 * `CONCURRENCY` clients, each on its own keep-alive connection from its own loopback address (32
 * people, not one address 32 times), POSTing `body` until `total` answers are in. Every answer must be 202.
 */
async function load(url: string, body: Buffer, total: number): Promise<Load> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, client) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (next < total) {
          next++;
          const { status, ms } = await post(url, body, agent, `127.0.0.${client + 2}`);
          if (status !== 202) throw new Error(`a submission answered ${status}`);
          latencies.push(ms);
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: total / seconds, p50: at(0.5), p99: at(0.99) };
}

/** Opens a connection that declares a 10 MB upload and then sends one byte every 5 s. */
function trickler(url: string, localAddress: string): Promise<Socket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port), localAddress }, () => {
      socket.write(
        `POST /api/v1/register HTTP/1.1\r\nHost: bench\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
          `Content-Length: 10000000\r\n\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\n`,
      );
      const timer = setInterval(() => socket.write("\xff", "latin1"), 5000);
      socket.once("close", () => clearInterval(timer));
      resolve(socket);
    });
    socket.on("error", reject);
  });
}

/** The slowest of `n` normal uploads, one after another, from the bench's own address. */
async function slowestOf(n: number, url: string, body: Buffer): Promise<number> {
  let slowest = 0;
  for (let i = 0; i < n; i++) {
    const { status, ms } = await post(url, body);
    if (status !== 202) throw new Error(`a normal upload answered ${status}`);
    slowest = Math.max(slowest, ms);
  }
  return slowest;
}

/**
 * The command API against the floor: a server in the same kind of process that reads the same body,
 * writes it to the same blob store and publishes one event, nothing more. Then a normal upload with
 * 50 slow connections open, and the server's memory under a burst of large uploads.
 */
export async function benchCommandApi(): Promise<BenchResult[]> {
  // The S3 server runs in a process of its own too, so it competes with neither server nor client.
  const s3 = await startChild({ server: "s3" });
  const s3Access = JSON.parse(s3.first) as ServerSpec["s3"];
  try {
    const image = await jpegOfAbout(256 * 1024);
    const body = multipart(image);
    const kb = Math.round(image.length / 1024);

    const runs: Record<"floor" | "command-api", Load[]> = { floor: [], "command-api": [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of ["floor", "command-api"] as const) {
        const { result, cpuMs } = await withServer({ server, s3: s3Access }, async (url) => {
          await load(url, body, WARMUP);
          return load(url, body, REQUESTS);
        });
        runs[server].push({ ...result, cpuPerRequest: cpuMs / (REQUESTS + WARMUP) });
      }
    }
    const mean = (loads: Load[], key: keyof Load) =>
      loads.reduce((sum, l) => sum + (l[key] ?? 0), 0) / loads.length;

    const slow = await withServer({ server: "command-api", s3: s3Access }, async (url) => {
      const quiet = await slowestOf(5, url, body);
      const sockets = await Promise.all(
        Array.from({ length: SLOW_CONNECTIONS }, (_, i) => trickler(url, `127.0.1.${i + 2}`)),
      );
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return { quiet, busy: await slowestOf(5, url, body) };
      } finally {
        for (const s of sockets) s.destroy();
      }
    });

    // A large, valid, hard-to-compress JPEG (~7 MB), shared by every upload of the burst. Each
    // burst runs in a fresh process: RSS never shrinks, so one burst would hide the next.
    const large = await sharp({
      create: {
        width: 2800,
        height: 2800,
        channels: 3,
        background: "#888",
        noise: { type: "gaussian", mean: 128, sigma: 60 },
      },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    const largeBody = multipart(large);
    const burst = async (server: ServerSpec["server"], uploads: number, uploadConcurrency = 8) =>
      (
        await withServer({ server, uploadConcurrency, s3: s3Access }, async (url) => {
          const answers = await Promise.all(
            Array.from({ length: uploads }, (_, i) =>
              post(url, largeBody, undefined, `127.0.2.${(i % 250) + 2}`),
            ),
          );
          if (answers.some((a) => a.status !== 202))
            throw new Error(`burst answered ${answers.map((a) => a.status)}`);
        })
      ).rssGrowthMiB;
    const ours = await burst("command-api", BURST);
    const oursAtSlots = await burst("command-api", 8);
    const unbounded = await burst("command-api", BURST, UNBOUNDED);

    const mb = (large.length / (1024 * 1024)).toFixed(1);
    return [
      {
        name: `POST /api/v1/register, ${kb} KB JPEG, ${CONCURRENCY} concurrent clients (parse, header check, S3 put, validated append)`,
        unit: "requests/s",
        value: mean(runs["command-api"], "perSecond"),
        baselineName: "floor: read the body, S3 put of the same bytes, publish one event",
        baseline: mean(runs.floor, "perSecond"),
      },
      {
        name: `  p99 latency of the same (p50 ${Math.round(mean(runs["command-api"], "p50"))} ms vs floor ${Math.round(mean(runs.floor, "p50"))} ms)`,
        unit: "ms",
        value: mean(runs["command-api"], "p99"),
        baselineName: "floor p99",
        baseline: mean(runs.floor, "p99"),
      },
      {
        name: "  server CPU time per request of the same (user + system, the server process only)",
        unit: "µs",
        value: 1000 * mean(runs["command-api"], "cpuPerRequest"),
        baselineName: "floor",
        baseline: 1000 * mean(runs.floor, "cpuPerRequest"),
      },
      {
        name: `a normal upload's 202 (slowest of 5) with ${SLOW_CONNECTIONS} slow connections open (10 MB declared, 1 byte / 5 s)`,
        unit: "ms",
        value: slow.result.busy,
        baselineName: "the same uploads with no slow connection open",
        baseline: slow.result.quiet,
      },
      {
        name: `server peak RSS growth, burst of ${BURST} concurrent ${mb} MB uploads (UPLOAD_CONCURRENCY 8)`,
        unit: "MiB",
        value: ours,
        baselineName: `the same server, uploads unbounded (UPLOAD_CONCURRENCY ${UNBOUNDED})`,
        baseline: unbounded,
      },
      {
        name: `server peak RSS growth, burst of ${BURST} vs 8 uploads (linear growth would be ${BURST / 8}x)`,
        unit: "MiB",
        value: ours,
        baselineName: "a burst of 8, one per upload slot",
        baseline: oursAtSlots,
      },
    ];
  } finally {
    await s3.finish();
  }
}

interface ServerSpec {
  server: "command-api" | "floor" | "s3";
  /** UPLOAD_CONCURRENCY of the command API. */
  uploadConcurrency?: number;
  s3?: { endpoint: string; accessKey: string; secretKey: string };
}

const CHILD_FLAG = "--command-api-bench-server";

interface Child {
  /** The first line the child printed: its URL (or, for S3, its access as JSON). */
  first: string;
  /** Tells the child the work is over; resolves with its peak RSS growth and CPU time meanwhile. */
  finish(): Promise<{ rssGrowthMiB: number; cpuMs: number }>;
}

/** Starts this file in child mode with `spec` and waits for its first line. */
async function startChild(spec: ServerSpec): Promise<Child> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, JSON.stringify(spec)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`bench ${spec.server} process exited ${code}`)));
    });
  const kill = () => {
    lines.close();
    if (child.exitCode === null) child.kill();
  };
  let first: string;
  try {
    first = await next();
  } catch (err) {
    kill();
    throw err;
  }
  return {
    first,
    async finish() {
      try {
        const answer = next();
        child.stdin.end("done\n");
        const measured = JSON.parse(await answer) as { rssGrowthMiB: number; cpuMs: number };
        if (!Number.isFinite(measured.rssGrowthMiB)) throw new Error("bench server sent no measurement");
        return measured;
      } finally {
        kill();
      }
    },
  };
}

/**
 * Serves in a fresh process (this file, in child mode) while `work` runs against it from this one,
 * so the server's CPU and RSS are its own. Returns what `work` returned, the server's peak RSS growth
 * and the CPU time it spent.
 */
async function withServer<T>(
  spec: ServerSpec,
  work: (url: string) => Promise<T>,
): Promise<{ result: T; rssGrowthMiB: number; cpuMs: number }> {
  const child = await startChild(spec);
  let result: T;
  try {
    result = await work(child.first);
  } catch (err) {
    await child.finish().catch(() => undefined);
    throw err;
  }
  return { result, ...(await child.finish()) };
}

/** Child mode: serve, print the URL, sample RSS until stdin says the work is over, print the peak growth. */
async function benchServer(spec: ServerSpec): Promise<void> {
  if (spec.server === "s3") {
    const s3 = await startS3Server();
    console.log(JSON.stringify({ endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey }));
    await new Promise((resolve) => process.stdin.once("data", resolve));
    await s3.stop();
    console.log(JSON.stringify({ rssGrowthMiB: 0, cpuMs: 0 }));
    return;
  }
  // The S3 server lives in its own process, so its memory and CPU are not counted here.
  const api = await openTestApi({
    s3: { ...spec.s3!, stop: async () => {} },
    // The per-address submission limit is a policy, not a cost: off, as it would refuse the bench.
    config: { UPLOAD_CONCURRENCY: spec.uploadConcurrency ?? 8, RATE_LIMIT_PER_MINUTE: 0 },
  });
  let url: string;
  let stop: () => Promise<void>;
  if (spec.server === "floor") {
    const { blobs, store, buckets } = api;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        try {
          const id = uuidv7();
          const key = `${id}/original.jpg`;
          await blobs.put(buckets.originals, key, Buffer.concat(chunks), { contentType: "image/jpeg" });
          await store.js.publish(
            store.layout.eventsOf(id),
            JSON.stringify({ type: "ImageSubmitted", id, key }),
          );
          res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ id }));
        } catch (err) {
          res.writeHead(500).end(String(err));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    const running = await startCommandApi(api.deps, { port: 0, host: "127.0.0.1" });
    url = running.url;
    stop = () => running.stop();
  }
  const before = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    console.log(url);
    await new Promise((resolve) => process.stdin.once("data", resolve));
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpuBefore);
    const rssGrowthMiB = (Math.max(peak, process.memoryUsage().rss) - before) / (1024 * 1024);
    console.log(JSON.stringify({ rssGrowthMiB, cpuMs: (cpu.user + cpu.system) / 1000 }));
  } finally {
    clearInterval(sampler);
    await stop();
    await api.cleanup();
  }
}

if (process.argv[2] === CHILD_FLAG) {
  benchServer(JSON.parse(process.argv[3]!) as ServerSpec).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
