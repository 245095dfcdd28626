import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDiskBlobStore } from "@reimagine/blobs";
import { createCaptioner, startCaptionHandler } from "@reimagine/caption-handler";
import { createImageGenerator, startGenerationHandler } from "@reimagine/generation-handler";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { imageSubmitted, makeJpeg, newRequestId, openTestStore, waitFor } from "@reimagine/testing";
import type { BenchResult } from "./report";

const REQUESTS = 200;
const WARM_UP = 20;

/**
 * Requests per second through both AI stages (ImageSubmitted → CaptionProduced → ImageGenerated)
 * with the offline providers and blobs on local disk, one instance of each handler at
 * `concurrency`. The requests are in the log before the handlers start, so only the stages count.
 */
async function pipelineRate(requests: number, concurrency: number): Promise<number> {
  const t = await openTestStore();
  const dir = await mkdtemp(join(tmpdir(), "reimagine-bench-"));
  const handlers: { stop(): Promise<void> | void }[] = [];
  try {
    const config = loadConfig({ HANDLER_CONCURRENCY: concurrency, LOG_LEVEL: "silent" }, {});
    const blobs = new LocalDiskBlobStore(dir);
    await blobs.ensureBuckets([config.S3_BUCKET_ORIGINALS, config.S3_BUCKET_GENERATED]);
    const captioner = createCaptioner(config);
    const generator = createImageGenerator(config);
    const original = await makeJpeg(320, 240);
    for (let i = 0; i < requests; i++) {
      const event = imageSubmitted(newRequestId());
      await blobs.put(config.S3_BUCKET_ORIGINALS, event.data.originalKey, original, {
        contentType: "image/jpeg",
      });
      await t.store.append(event.requestId, [event], "no_stream");
    }
    const deps = { store: t.store, blobs, config, logger: silentLogger };
    const started = performance.now();
    handlers.push(await startCaptionHandler({ ...deps, captioner }));
    handlers.push(await startGenerationHandler({ ...deps, generator }));
    // Three events per request once both stages are through.
    await waitFor(async () => (await t.store.headPosition()) >= 3 * requests, {
      timeoutMs: 600_000,
      intervalMs: 10,
    });
    const seconds = (performance.now() - started) / 1000;
    let generated = 0;
    for await (const { event } of t.store.readAll()) if (event.type === "ImageGenerated") generated++;
    if (generated !== requests) throw new Error(`only ${generated} of ${requests} requests were generated`);
    return requests / seconds;
  } finally {
    await Promise.all(handlers.map((h) => h.stop()));
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Caption + generation throughput at concurrency 4 against concurrency 1, measured in the same run. */
export async function benchHandlers(): Promise<BenchResult[]> {
  await pipelineRate(WARM_UP, 4); // sharp, fonts and the JIT warm up before either measurement
  const one = await pipelineRate(REQUESTS, 1);
  const four = await pipelineRate(REQUESTS, 4);
  return [
    {
      name: `caption + generation of ${REQUESTS} requests, offline providers, 1 instance per handler at concurrency 4`,
      unit: "requests/s",
      value: four,
      baselineName: "the same at concurrency 1",
      baseline: one,
    },
  ];
}
