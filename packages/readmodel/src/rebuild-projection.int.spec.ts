import type { AnyDomainEvent } from "@reimagine/contracts";
import { type EventStore, InMemoryEventStore, type StoredEvent } from "@reimagine/eventstore";
import { loadConfig, silentLogger } from "@reimagine/platform";
import {
  interleave,
  openTestDatabase,
  requestFlow,
  type TestDatabase,
  testDatabaseUrl,
  waitFor,
} from "@reimagine/testing";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase } from "./create-database";
import { projectBatch } from "./project-batch";
import { readProjectionPosition } from "./projection-position";
import { type RebuildProgress, rebuildProjection } from "./rebuild-projection";
import { listRequestRows } from "./request-repository";
import { requestsProjection } from "./requests-projection";
import { verifyProjection } from "./verify-projection";

const endings = ["notified", "failed", "retried", "captioned"] as const;

async function appendAll(store: InMemoryEventStore, events: AnyDomainEvent[]) {
  for (const e of events) await store.append(e.requestId, [e], "any");
}

/** Projects everything the store holds, the way the live projector does. */
async function projectAll(t: TestDatabase, store: InMemoryEventStore) {
  const from = (await readProjectionPosition(t.db, "requests")) + 1;
  const events = [];
  for await (const s of store.readAll({ fromPosition: from })) events.push(s);
  if (events.length > 0) await projectBatch(t.db, requestsProjection, events);
}

const tablesLike = async (t: TestDatabase, pattern: string) =>
  (
    await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = ${t.schema} and tablename like ${pattern}
      order by 1`.execute(t.db)
  ).rows.map((r) => r.name);

const indexesOf = async (t: TestDatabase, table: string) =>
  (
    await sql<{ name: string }>`
      select indexname as name from pg_indexes where schemaname = ${t.schema} and tablename = ${table}
      order by 1`.execute(t.db)
  ).rows.map((r) => r.name);

describe("rebuildProjection", () => {
  let t: TestDatabase;
  let store: InMemoryEventStore;
  beforeEach(async () => {
    t = await openTestDatabase();
    store = new InMemoryEventStore();
    await appendAll(store, interleave(Array.from({ length: 12 }, (_, i) => requestFlow(endings[i % 4]))));
    await projectAll(t, store);
  });
  afterEach(async () => t.cleanup());

  it("replaces a damaged table with one equal, row by row, to what projecting the log gives", async () => {
    const intact = await listRequestRows(t.db, { limit: 1000 });
    await t.db.updateTable("requests").set({ status: "notified", caption: "tampered" }).execute();
    await t.db.deleteFrom("requests").where("request_id", "=", intact[0]!.request_id).execute();

    const progress: RebuildProgress[] = [];
    const result = await rebuildProjection({
      db: t.db,
      store,
      projection: requestsProjection,
      batchSize: 7,
      onProgress: (p) => progress.push(p),
    });

    const head = await store.headPosition();
    expect(result).toMatchObject({ events: head, requests: 12 });
    expect(await listRequestRows(t.db, { limit: 1000 })).toEqual(intact);
    expect(await readProjectionPosition(t.db, "requests")).toBe(head);
    expect((await verifyProjection({ db: t.db, store })).differences).toEqual([]);
    // One report per batch, counting up to the whole log.
    expect(progress.map((p) => p.done)).toEqual([
      0,
      ...Array.from({ length: Math.ceil(head / 7) }, (_, i) => Math.min(head, 7 * (i + 1))),
    ]);
    expect(progress.at(-1)).toMatchObject({ done: head, total: head, etaSeconds: 0 });
    expect(progress.at(-1)!.eventsPerSecond).toBeGreaterThan(0);
  });

  it("leaves the tables and index names as the migrations made them, however often it runs", async () => {
    for (let i = 0; i < 2; i++) {
      await rebuildProjection({ db: t.db, store, projection: requestsProjection });
    }
    expect(await tablesLike(t, "requests%")).toEqual(["requests"]);
    expect(await indexesOf(t, "requests")).toEqual([
      "requests_created_at_idx",
      "requests_pkey",
      "requests_status_idx",
      "requests_updated_at_idx",
    ]);
  });

  it("includes what the log gains while it runs", async () => {
    const late = interleave([requestFlow("notified"), requestFlow("retried")]);
    let appended: Promise<void> | undefined;
    const result = await rebuildProjection({
      db: t.db,
      store,
      projection: requestsProjection,
      batchSize: 5,
      onProgress: (p) => {
        // Halfway through, other writers append: the rebuild must catch up before the swap.
        if (!appended && p.done > p.total / 2) appended = appendAll(store, late);
      },
    });
    await appended;
    const head = await store.headPosition();
    expect(result).toMatchObject({ events: head, requests: 14 });
    expect(await readProjectionPosition(t.db, "requests")).toBe(head);
    const report = await verifyProjection({ db: t.db, store });
    expect([report.position, report.checked, report.differences]).toEqual([head, 14, []]);
  });

  it("leaves the live table alone and removes its copy when the log cannot be read", async () => {
    const intact = await listRequestRows(t.db, { limit: 1000 });
    const failing = {
      headPosition: () => store.headPosition(),
      async *readAll() {
        yield* store.readAll({ fromPosition: 1 });
        throw new Error("NATS went away");
      },
    };
    await expect(
      rebuildProjection({ db: t.db, store: failing, projection: requestsProjection }),
    ).rejects.toThrow("NATS went away");
    expect(await tablesLike(t, "requests%")).toEqual(["requests"]);
    expect(await listRequestRows(t.db, { limit: 1000 })).toEqual(intact);
  });

  it("holds the position lock through the swap: a live batch racing it lands in the new table", async () => {
    // The live projector's own connection, so its backend can be watched waiting on the lock.
    const live = await createDatabase(loadConfig({ DATABASE_URL: testDatabaseUrl() }, {}), silentLogger, {
      schema: t.schema,
      migrate: false,
      maxConnections: 1,
    });
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(live.db);
      const livePid = rows[0]!.pid;
      const latecomer = requestFlow("notified");
      let reads = 0;
      let batch: Promise<unknown> | null = null;
      const racing: Pick<EventStore, "readAll" | "headPosition"> = {
        headPosition: () => store.headPosition(),
        async *readAll(options) {
          yield* store.readAll(options);
          // The second read is the rebuild's last, inside its swap transaction: the log grows and
          // the live projector commits a batch right now.
          if (++reads !== 2) return;
          await appendAll(store, latecomer);
          const events: StoredEvent[] = [];
          for await (const e of store.readAll({ fromPosition: options?.fromPosition ?? 1 })) events.push(e);
          let settled = false;
          batch = projectBatch(live.db, requestsProjection, events).finally(() => (settled = true));
          // Go on once the batch is either waiting for a lock (as it must) or done (a broken rebuild).
          await waitFor(async () => {
            if (settled) return true;
            const waiting = await sql<{ wait: string | null }>`
              select wait_event_type as wait from pg_stat_activity where pid = ${livePid}`.execute(t.db);
            return waiting.rows[0]?.wait === "Lock";
          });
        },
      };
      await rebuildProjection({ db: t.db, store: racing, projection: requestsProjection });
      await batch;
      const report = await verifyProjection({ db: t.db, store });
      expect(report.differences).toEqual([]);
      expect(report.position).toBe(await store.headPosition());
      expect(await readProjectionPosition(t.db, "requests")).toBe(await store.headPosition());
    } finally {
      await live.close();
    }
  });
});
