import { jetstreamManager } from "@nats-io/jetstream";
import { MetricReader } from "@opentelemetry/sdk-metrics";
import type { ExpectedVersion } from "@reimagine/eventstore";
import { silentLogger, startTelemetry } from "@reimagine/platform";
import { type Projection, requestsProjection, verifyProjection } from "@reimagine/readmodel";
import {
  appendInterleaved,
  openTestDatabase,
  openTestStore,
  requestFlow,
  type TestDatabase,
  type TestStore,
  waitFor,
} from "@reimagine/testing";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProjectorStoppedError } from "./position-waiters";
import { type Projector, type ProjectorDeps, startProjector } from "./projector";
import { projectorReadiness } from "./projector-readiness";

class TestReader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

describe("the projector", () => {
  let t: TestStore;
  let d: TestDatabase;
  const running: Projector[] = [];
  const start = async (deps: Partial<ProjectorDeps> = {}) => {
    const p = await startProjector({
      db: d.db,
      store: t.store,
      logger: silentLogger,
      batchSize: 50,
      ...deps,
    });
    running.push(p);
    return p;
  };

  beforeEach(async () => {
    [t, d] = await Promise.all([openTestStore(), openTestDatabase()]);
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
    await Promise.all([t.cleanup(), d.cleanup()]);
  });

  it("projects every event, in order, into rows equal to the fold of the log", async () => {
    const head = await appendInterleaved(t.store, [
      requestFlow("notified"),
      requestFlow("failed"),
      requestFlow("retried"),
    ]);
    const projector = await start();
    await projector.waitForPosition(head);
    expect(projector.position()).toBe(head);
    expect(await projector.lag()).toBe(0);
    const report = await verifyProjection({ db: d.db, store: t.store });
    expect([report.position, report.checked, report.differences]).toEqual([head, 3, []]);
  });

  it("resumes after a restart from its stored position, not from the start of the log", async () => {
    const first = await appendInterleaved(t.store, [requestFlow("notified"), requestFlow("failed")]);
    const before = await start();
    await before.waitForPosition(first);
    await before.stop();
    // Tampered while stopped: a projector that replayed from the start would repair this row.
    const [witness] = requestFlow("captioned");
    const tampered = (await d.db.selectFrom("requests").select("request_id").executeTakeFirstOrThrow())
      .request_id;
    await d.db
      .updateTable("requests")
      .set({ caption: "tampered" })
      .where("request_id", "=", tampered)
      .execute();

    const head = await appendInterleaved(t.store, [requestFlow("retried"), [witness!]]);
    const after = await start();
    await after.waitForPosition(head);
    const report = await verifyProjection({ db: d.db, store: t.store });
    expect(report.differences.map((x) => [x.requestId, x.field])).toEqual([[tampered, "caption"]]);
    expect(report.checked).toBe(4);
  });

  it("retries a batch that fails, keeping its place in the log and skipping nothing", async () => {
    let failures = 0;
    const flaky: Projection = {
      ...requestsProjection,
      async apply(trx, table, events) {
        if (failures < 3) {
          failures++;
          throw new Error("connection terminated unexpectedly");
        }
        return requestsProjection.apply(trx, table, events);
      },
    };
    const head = await appendInterleaved(t.store, [requestFlow("notified"), requestFlow("retried")]);
    const projector = await start({ projection: flaky, backoff: { baseMs: 1, maxMs: 5 } });
    await projector.waitForPosition(head);
    expect(failures).toBe(3);
    expect(projector.stalled()).toBeNull();
    expect((await verifyProjection({ db: d.db, store: t.store })).differences).toEqual([]);
  });

  it("waits out a database that refuses its writes, then catches up without losing an event", async () => {
    const first = await appendInterleaved(t.store, [requestFlow("notified")]);
    const projector = await start({ backoff: { baseMs: 1, maxMs: 20 } });
    await projector.waitForPosition(first);
    // A real Postgres error on every batch, from this test's schema only.
    await sql`alter table requests rename to requests_away`.execute(d.db);
    const head = await appendInterleaved(t.store, [requestFlow("retried"), requestFlow("failed")]);
    const reason = await waitFor(() => projector.stalled(), { what: "a stalled projector" });
    expect(reason).toMatch(/relation "requests" does not exist/);
    expect(projector.position()).toBe(first);
    const { checks } = projectorReadiness({ db: d.db, store: t.store, projector });
    await expect(checks.projection!()).rejects.toThrow(reason);

    await sql`alter table requests_away rename to requests`.execute(d.db);
    await projector.waitForPosition(head);
    expect(projector.stalled()).toBeNull();
    const report = await verifyProjection({ db: d.db, store: t.store });
    expect([report.checked, report.differences]).toEqual([3, []]);
  });

  it("stops at an event it cannot read rather than skip it, and says so", async () => {
    const head = await appendInterleaved(t.store, [requestFlow("captioned")]);
    await t.store.js.publish(t.layout.eventsOf(crypto.randomUUID()), new TextEncoder().encode("{not json"));
    await appendInterleaved(t.store, [requestFlow("captioned")]);
    const projector = await start({ backoff: { baseMs: 1, maxMs: 20 } });
    await projector.waitForPosition(head);
    const reason = await waitFor(() => projector.stalled(), { what: "a stalled projector" });
    expect(reason).toMatch(`cannot project events ${head + 1}..`);
    expect(reason).toMatch(`event at position ${head + 1} cannot be decoded`);
    expect(projector.position()).toBe(head);
    const { checks } = projectorReadiness({ db: d.db, store: t.store, projector });
    await expect(checks.projection!()).rejects.toThrow(reason);
  });

  it("reports readiness and lag, and is not ready when the database is gone", async () => {
    const head = await appendInterleaved(t.store, [requestFlow("notified")]);
    const projector = await start();
    await projector.waitForPosition(head);
    const readiness = projectorReadiness({ db: d.db, store: t.store, projector });
    await Promise.all(Object.values(readiness.checks).map((check) => check()));
    expect(await readiness.details()).toEqual({
      projection: { name: "requests", position: head, head, lag: 0, stalledSeconds: 0 },
    });

    const gone = await openTestDatabase();
    await gone.cleanup();
    const broken = projectorReadiness({ db: gone.db, store: t.store, projector });
    await expect(broken.checks.postgres!()).rejects.toThrow();
  });

  it("publishes its lag and how long it has stalled as gauges while it runs", async () => {
    const reader = new TestReader();
    const telemetry = await startTelemetry({ serviceName: "test", metricReaders: [reader] });
    const lagPoints = async () =>
      (await reader.collect()).resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === "reimagine.projection.lag")
        .flatMap((m) => m.dataPoints.map((p) => [p.attributes, p.value]));
    const stalledPoints = async () =>
      (await reader.collect()).resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === "reimagine.projection.stalled")
        .flatMap((m) => m.dataPoints.map((p) => p.value as number));
    try {
      const head = await appendInterleaved(t.store, [requestFlow("notified")]);
      const broken: Projection = {
        ...requestsProjection,
        apply: () => Promise.reject(new Error("permission denied for table requests")),
      };
      const stuck = await start({ projection: broken, headPollMs: 50 });
      expect(await lagPoints()).toEqual([[{ projection: "requests" }, head]]);
      await waitFor(async () => ((await stalledPoints())[0] ?? 0) > 0, { what: "the stalled gauge to rise" });
      await stuck.stop();

      const projector = await start();
      await projector.waitForPosition(head);
      expect(await lagPoints()).toEqual([[{ projection: "requests" }, 0]]);
    } finally {
      await telemetry.stop();
    }
  });

  it("starts while its database cannot be used, says so, and catches up once it can", async () => {
    const head = await appendInterleaved(t.store, [requestFlow("notified"), requestFlow("failed")]);
    // the position cannot be read: what a projector started while Postgres is down meets
    await sql`alter table projection_positions rename to positions_away`.execute(d.db);
    const projector = await start({ backoff: { baseMs: 1, maxMs: 20 } });
    const reason = await waitFor(() => projector.stalled(), { what: "a projector waiting for its database" });
    expect(reason).toMatch(/^cannot read the stored position \(waiting for the read-model database\)/);
    await sql`alter table positions_away rename to projection_positions`.execute(d.db);
    await projector.waitForPosition(head);
    expect(projector.stalled()).toBeNull();
    expect((await verifyProjection({ db: d.db, store: t.store })).differences).toEqual([]);
  });

  it("reports a projector that is behind without progress as stalled, in readiness and in the gauge", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const stuck: Projection = {
      ...requestsProjection,
      // no error, no progress: what a consumer standing still looks like from outside
      apply: async (trx, table, events) => {
        await held;
        return requestsProjection.apply(trx, table, events);
      },
    };
    const head = await appendInterleaved(t.store, [requestFlow("notified")]);
    const projector = await start({ projection: stuck, stallAfterMs: 300, headPollMs: 50 });
    const reason = await waitFor(() => projector.stalled(), { what: "a stall to be reported" });
    expect(reason).toMatch(
      new RegExp(`^no progress for \\d+ s with ${head} event\\(s\\) to project after position 0$`),
    );
    expect(projector.stalledSeconds()).toBeGreaterThan(0);
    const { checks } = projectorReadiness({ db: d.db, store: t.store, projector });
    await expect(checks.projection!()).rejects.toThrow(/no progress/);
    release();
    await projector.waitForPosition(head);
    expect(projector.stalled()).toBeNull();
    expect(projector.stalledSeconds()).toBe(0);
  });

  /** The requests projection, recording how many events each transaction got. */
  const recordingBatches = () => {
    const sizes: number[] = [];
    const projection: Projection = {
      ...requestsProjection,
      apply(trx, table, events) {
        sizes.push(events.length);
        return requestsProjection.apply(trx, table, events);
      },
    };
    return { sizes, projection };
  };

  it("at the head, lingers so that events arriving one by one share a transaction", async () => {
    const { sizes, projection } = recordingBatches();
    // A linger no test waits out: only a full batch (4 events) can be committed.
    const projector = await start({ projection, batchSize: 4, lingerMs: 600_000 });
    // The projector is consuming once a first full batch is in: what follows is live traffic.
    await projector.waitForPosition(await appendInterleaved(t.store, [requestFlow("notified")]));
    sizes.length = 0;
    // One append at a time, each acknowledged before the next: each event is the head on arrival.
    const head = await appendInterleaved(t.store, [requestFlow("notified").slice(0, 4)]);
    await projector.waitForPosition(head);
    expect(sizes).toEqual([4]);
    expect((await verifyProjection({ db: d.db, store: t.store })).differences).toEqual([]);
  });

  it("commits an event at the head at once without a linger", async () => {
    const { sizes, projection } = recordingBatches();
    const projector = await start({ projection, batchSize: 4, lingerMs: 0 });
    let version: ExpectedVersion = "no_stream";
    for (const event of requestFlow("notified").slice(0, 3)) {
      version = (await t.store.append(event.requestId, [event], version)).nextExpectedVersion;
      await projector.waitForPosition(version);
    }
    expect(sizes).toEqual([1, 1, 1]);
  });

  it("stops without waiting out a linger, and projects the lingering events after a restart", async () => {
    const { sizes, projection } = recordingBatches();
    const before = await start({ projection, lingerMs: 600_000 });
    const head = await appendInterleaved(t.store, [requestFlow("notified").slice(0, 1)]);
    const jsm = await jetstreamManager(t.nc);
    const delivered = async () => {
      for await (const c of jsm.consumers.list(t.layout.stream))
        if (c.delivered.stream_seq >= head) return true;
      return false;
    };
    await waitFor(delivered, { what: "the event to reach the projector" });
    // Stop settles the pending read and ends the batch: it neither hangs nor commits half a linger.
    await before.stop();
    expect(sizes).toEqual([]);
    expect(before.position()).toBe(0);
    const after = await start({ projection, lingerMs: 0 });
    await after.waitForPosition(head);
    expect((await verifyProjection({ db: d.db, store: t.store })).differences).toEqual([]);
  });

  it("lets a waiter know when it stops before the position is reached", async () => {
    const projector = await start();
    const waiting = projector.waitForPosition(1_000_000);
    await projector.stop();
    await expect(waiting).rejects.toBeInstanceOf(ProjectorStoppedError);
  });
});
