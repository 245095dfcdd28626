import type { EventStore } from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import {
  listRequestRows,
  type Projection,
  rebuildProjection,
  requestsProjection,
  verifyProjection,
} from "@reimagine/readmodel";
import {
  appendInterleaved,
  openTestDatabase,
  openTestStore,
  requestFlow,
  type TestDatabase,
  type TestStore,
} from "@reimagine/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Projector, startProjector } from "./projector";

const endings = ["notified", "failed", "retried", "captioned"] as const;
const flows = (n: number) => Array.from({ length: n }, (_, i) => requestFlow(endings[i % endings.length]));

describe("rebuilding the read model while the projector runs", () => {
  let t: TestStore;
  let d: TestDatabase;
  let live: Projector;
  let reference: Projector;
  // The same projection into a table no rebuild touches: what the live table must equal.
  const referenceProjection: Projection = {
    ...requestsProjection,
    name: "requests_ref",
    table: "requests_ref",
  };

  beforeAll(async () => {
    [t, d] = await Promise.all([openTestStore(), openTestDatabase()]);
    await sql`create table requests_ref (like requests including all)`.execute(d.db);
    const deps = { db: d.db, store: t.store, logger: silentLogger, batchSize: 100 };
    live = await startProjector(deps);
    reference = await startProjector({ ...deps, projection: referenceProjection });
  });
  afterAll(async () => {
    await live?.stop();
    await reference?.stop();
    await Promise.all([t?.cleanup(), d?.cleanup()]);
  });

  const rows = (table: string) => listRequestRows(d.db, { table, limit: 100_000 });

  it("swaps in a table equal to the live one, row by row, while the live projector keeps consuming", async () => {
    const before = await appendInterleaved(t.store, flows(120));
    await live.waitForPosition(before);

    // The rebuild reads the log through this wrapper: after its first 200 events, the log grows
    // and the live projector must have projected the growth before the rebuild may go on.
    let grownTo = 0;
    let read = 0;
    const growingStore: Pick<EventStore, "readAll" | "headPosition"> = {
      headPosition: () => t.store.headPosition(),
      async *readAll(options) {
        for await (const stored of t.store.readAll(options)) {
          yield stored;
          if (++read === 200) {
            grownTo = await appendInterleaved(t.store, flows(20));
            await live.waitForPosition(grownTo);
          }
        }
      },
    };
    const result = await rebuildProjection({
      db: d.db,
      store: growingStore,
      projection: requestsProjection,
      batchSize: 100,
    });
    expect(grownTo).toBeGreaterThan(before);
    expect(result).toMatchObject({ events: grownTo, requests: 140 });

    // After the swap the live projector writes into the new table.
    const after = await appendInterleaved(t.store, flows(10));
    await Promise.all([live.waitForPosition(after), reference.waitForPosition(after)]);
    const [rebuilt, expected] = await Promise.all([rows("requests"), rows("requests_ref")]);
    expect(rebuilt).toHaveLength(150);
    expect(rebuilt).toEqual(expected);
    const report = await verifyProjection({ db: d.db, store: t.store });
    expect([report.position, report.differences]).toEqual([after, []]);
  });
});
