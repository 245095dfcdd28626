import { silentLogger } from "@reimagine/platform";
import { startProjector } from "@reimagine/projector";
import { projectBatch, rebuildProjection, requestsProjection } from "@reimagine/readmodel";
import { type FlowEnding, openTestDatabase, openTestStore, requestFlow } from "@reimagine/testing";
import type { BenchResult } from "./report";

const REQUESTS = 2_700;
const BASELINE_EVENTS = 3_000;
const BATCH = 500;
const endings: FlowEnding[] = ["notified", "retried", "failed", "captioned"];

const perSecond = (n: number, startedAt: number) => n / ((performance.now() - startedAt) / 1000);

/** Projection into Postgres (batched, through the projector) and the rebuild, each against a same-run baseline. */
export async function benchProjector(): Promise<BenchResult[]> {
  const t = await openTestStore();
  const databases = await Promise.all([openTestDatabase(), openTestDatabase(), openTestDatabase()]);
  const [single, live, rebuilt] = databases;
  try {
    // ~10k events: whole request stories, appended request by request, 32 writers at once.
    const flows = Array.from({ length: REQUESTS }, (_, i) => requestFlow(endings[i % endings.length]));
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < flows.length) {
          const flow = flows[next++]!;
          await t.store.append(flow[0]!.requestId, flow, "no_stream");
        }
      }),
    );
    const head = await t.store.headPosition();
    const log = [];
    for await (const s of t.store.readAll()) log.push(s);

    // Baseline: one event per transaction, straight from memory (no NATS in the way).
    let startedAt = performance.now();
    for (const stored of log.slice(0, BASELINE_EVENTS))
      await projectBatch(single!.db, requestsProjection, [stored]);
    const oneByOne = perSecond(BASELINE_EVENTS, startedAt);

    // The projector end to end: ordered consumer from NATS, batches of up to BATCH, Postgres.
    startedAt = performance.now();
    const projector = await startProjector({
      db: live!.db,
      store: t.store,
      logger: silentLogger,
      batchSize: BATCH,
    });
    await projector.waitForPosition(head);
    const projected = perSecond(head, startedAt);
    await projector.stop();

    // Baseline for the rebuild: reading and decoding the same log, no database at all.
    startedAt = performance.now();
    let read = 0;
    for await (const _ of t.store.readAll()) read++;
    const replay = perSecond(read, startedAt);

    const result = await rebuildProjection({
      db: rebuilt!.db,
      store: t.store,
      projection: requestsProjection,
      batchSize: BATCH,
    });
    const rebuild = result.events / (result.durationMs / 1000);

    return [
      {
        name: `projector, ${head} events of ${REQUESTS} requests from NATS into Postgres (batches of ${BATCH})`,
        unit: "events/s",
        value: projected,
        baselineName: `one event per transaction (${BASELINE_EVENTS} events, from memory)`,
        baseline: oneByOne,
      },
      {
        name: `rebuild of the requests table from ${result.events} events (fresh table, swap)`,
        unit: "events/s",
        value: rebuild,
        baselineName: "replay of the same log, decoded, no database",
        baseline: replay,
      },
    ];
  } finally {
    await Promise.all([t.cleanup(), ...databases.map((d) => d.cleanup())]);
  }
}
