import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { startCommandApi } from "@reimagine/command-api";
import { openTestApi } from "@reimagine/command-api/testing";
import { newEvent } from "@reimagine/contracts";
import { makeJpeg, startS3Server } from "@reimagine/testing";
import { Hono } from "hono";
import sharp from "sharp";
import { v7 as uuidv7 } from "uuid";
import { rate } from "./rate";
import type { BenchResult } from "./report";

const SUBMISSIONS = 400;
const CONCURRENCY = 8;
const BURST = 64;
/** UPLOAD_CONCURRENCY high enough that no upload of the burst ever waits. */
const UNBOUNDED = 1024;
const BOUNDARY = "----reimagine-bench";

/** Peak growth of the resident set while `work` runs, sampled every 5 ms, in MiB. */
async function peakRssGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return (peak - before) / (1024 * 1024);
}

/**
 * POSTs a registration on a real socket, streaming the image from one shared buffer in 64 KiB views,
 * so the client side holds no copy and the memory measured is the server's.
 */
function streamUpload(url: string, image: Buffer): Promise<number> {
  const target = new URL(url);
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nbench@example.com\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="big.jpg"\r\n` +
      "Content-Type: image/jpeg\r\n\r\n",
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: "POST",
        path: "/api/v1/register",
        headers: {
          "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          "content-length": String(head.length + image.length + tail.length),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    const chunks: Buffer[] = [head];
    for (let at = 0; at < image.length; at += 64 * 1024) chunks.push(image.subarray(at, at + 64 * 1024));
    chunks.push(tail);
    let i = 0;
    const pump = () => {
      while (i < chunks.length) {
        if (!req.write(chunks[i++])) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

/**
 * The command API: submissions per second through the whole app (multipart parse, byte-level image
 * check with a full decode, S3 put, validated append) against the bare S3 put + append of the same
 * image; and the server's peak memory under a burst of large uploads, with and without the upload bound.
 */
export async function benchCommandApi(): Promise<BenchResult[]> {
  const s3 = await startS3Server();
  const api = await openTestApi({ s3 });
  try {
    const { config, blobs, store } = api.deps;
    const buckets = api.buckets;
    const small = await makeJpeg(256, 256);

    // Baseline: what a submission must do at the least, with no HTTP, parsing or image check.
    const bare = await rate(SUBMISSIONS, CONCURRENCY, async () => {
      const id = uuidv7();
      const key = `${id}/original.jpg`;
      await blobs.put(buckets.originals, key, small, { contentType: "image/jpeg" });
      const event = newEvent(
        "ImageSubmitted",
        id,
        {
          email: "bench@example.com",
          originalKey: key,
          contentType: "image/jpeg",
          bytes: small.length,
          width: 256,
          height: 256,
          sha256: "a".repeat(64),
        },
        { correlationId: id, causationId: uuidv7() },
      );
      await store.append(id, [event], "no_stream");
    });

    const app = api.app;
    const throughApp = await rate(SUBMISSIONS, CONCURRENCY, async () => {
      const form = new FormData();
      form.set("email", "bench@example.com");
      form.set("image", new Blob([small]), "photo.jpg");
      const res = await app.request("/api/v1/register", { method: "POST", body: form });
      if (res.status !== 202) throw new Error(`submission answered ${res.status}: ${await res.text()}`);
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
    const s3Access = { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey };
    const burst = (
      server: BurstChild["server"],
      uploads: number,
      uploadConcurrency = config.UPLOAD_CONCURRENCY,
    ) => runBurst({ server, uploadConcurrency, s3: s3Access }, large, uploads);
    const ours = await burst("command-api", BURST);
    const oursAtSlots = await burst("command-api", config.UPLOAD_CONCURRENCY);
    // The same server with the upload bound lifted: what the bound saves under this burst.
    const unbounded = await burst("command-api", BURST, UNBOUNDED);
    // A server that only reads each body whole and answers: the floor of any buffering design.
    const buffering = await burst("buffering", BURST);

    const mb = (large.length / (1024 * 1024)).toFixed(1);
    return [
      {
        name: `POST /api/v1/register, ${small.length} B JPEG, ${CONCURRENCY} concurrent (parse, decode check, S3 put, append)`,
        unit: "submissions/s",
        value: throughApp,
        baselineName: "bare S3 put + append, no HTTP or validation",
        baseline: bare,
      },
      {
        name: `server peak RSS growth, burst of ${BURST} concurrent ${mb} MB uploads (UPLOAD_CONCURRENCY ${config.UPLOAD_CONCURRENCY})`,
        unit: "MiB",
        value: ours,
        baselineName: `the same server, uploads unbounded (UPLOAD_CONCURRENCY ${UNBOUNDED})`,
        baseline: unbounded,
      },
      {
        name: `server peak RSS growth, burst of ${BURST} vs ${config.UPLOAD_CONCURRENCY} uploads (linear growth would be ${BURST / config.UPLOAD_CONCURRENCY}x)`,
        unit: "MiB",
        value: ours,
        baselineName: `a burst of ${config.UPLOAD_CONCURRENCY}, one per upload slot`,
        baseline: oursAtSlots,
      },
      {
        name: `server peak RSS growth, same burst of ${BURST}, for reference`,
        unit: "MiB",
        value: ours,
        baselineName: "a server that only reads each body whole and answers (no decode, no S3, no append)",
        baseline: buffering,
      },
    ];
  } finally {
    await api.cleanup();
    await s3.stop();
  }
}

interface BurstChild {
  server: "command-api" | "buffering";
  /** UPLOAD_CONCURRENCY of the command API. */
  uploadConcurrency: number;
  s3: { endpoint: string; accessKey: string; secretKey: string };
}

const CHILD_FLAG = "--command-api-burst-server";

/**
 * Serves in a fresh process (this file, in child mode) and sends it a burst from this one, so the
 * server's RSS holds nothing of the client's and nothing left over from an earlier burst.
 * Returns the server's peak RSS growth in MiB.
 */
async function runBurst(spec: BurstChild, image: Buffer, uploads: number): Promise<number> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, JSON.stringify(spec)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`burst server exited ${code}`)));
    });
  try {
    const url = await next();
    const statuses = await Promise.all(Array.from({ length: uploads }, () => streamUpload(url, image)));
    if (statuses.some((s) => s !== 202)) throw new Error(`burst answered ${statuses.join(",")}`);
    const answer = next();
    child.stdin.end("done\n");
    const growth = Number(await answer);
    if (!Number.isFinite(growth)) throw new Error("burst server sent no measurement");
    return growth;
  } finally {
    lines.close();
    if (child.exitCode === null) child.kill();
  }
}

/** Child mode: serve, print the URL, sample RSS until stdin says the burst is over, print the peak growth. */
async function burstServer(spec: BurstChild): Promise<void> {
  let stop: () => Promise<void>;
  let url: string;
  let cleanup: () => Promise<void> = async () => {};
  if (spec.server === "buffering") {
    const naive = new Hono().post("/api/v1/register", async (c) => {
      const body = await c.req.arrayBuffer();
      return c.json({ bytes: body.byteLength }, 202);
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: naive.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    // The S3 server lives in the parent, so its memory is not counted here.
    const api = await openTestApi({
      s3: { ...spec.s3, stop: async () => {} },
      config: { UPLOAD_CONCURRENCY: spec.uploadConcurrency },
    });
    const running = await startCommandApi(api.deps, { port: 0, host: "127.0.0.1" });
    url = running.url;
    stop = () => running.stop();
    cleanup = () => api.cleanup();
  }
  try {
    const growth = await peakRssGrowth(async () => {
      console.log(url);
      await new Promise((resolve) => process.stdin.once("data", resolve));
    });
    console.log(growth);
  } finally {
    await stop();
    await cleanup();
  }
}

if (process.argv[2] === CHILD_FLAG) {
  burstServer(JSON.parse(process.argv[3]!) as BurstChild).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
