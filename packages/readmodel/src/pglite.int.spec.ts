import { foldRequest } from "@reimagine/contracts";
import { InMemoryEventStore } from "@reimagine/eventstore";
import { interleave, openTestDatabase, requestFlow, type TestDatabase } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "./migrate-to-latest";
import { PostgresRequestStateReader } from "./postgres-request-state-reader";
import { projectBatch } from "./project-batch";
import { readProjectionPosition } from "./projection-position";
import { rebuildProjection } from "./rebuild-projection";
import { listFailedRequests } from "./request-repository";
import { requestsProjection } from "./requests-projection";
import { verifyProjection } from "./verify-projection";

describe("the read model on embedded PGlite", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase({ kind: "pglite" });
  });
  afterAll(async () => t?.cleanup());

  it("migrates, projects, reads, rebuilds and verifies like Postgres", async () => {
    expect(t.database.kind).toBe("pglite");
    expect(await migrateToLatest(t.db)).toEqual([]);

    const flows = [requestFlow("notified"), requestFlow("failed"), requestFlow("retried")];
    const store = new InMemoryEventStore();
    for (const e of interleave(flows)) await store.append(e.requestId, [e], "any");
    const log = [];
    for await (const s of store.readAll()) log.push(s);
    await projectBatch(t.db, requestsProjection, log.slice(0, 5));
    await projectBatch(t.db, requestsProjection, log);

    const reader = new PostgresRequestStateReader(t.db);
    for (const flow of flows)
      expect(await reader.get(flow[0]!.requestId)).toEqual(foldRequest(flow[0]!.requestId, flow));
    expect(await readProjectionPosition(t.db, "requests")).toBe(log.length);
    expect((await listFailedRequests(t.db)).map((s) => s.requestId)).toEqual([flows[1]![0]!.requestId]);

    expect(await rebuildProjection({ db: t.db, store, projection: requestsProjection })).toMatchObject({
      events: log.length,
      requests: 3,
    });
    expect((await verifyProjection({ db: t.db, store })).differences).toEqual([]);
  });
});
