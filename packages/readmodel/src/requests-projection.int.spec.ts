import type { AnyDomainEvent } from "@reimagine/contracts";
import { foldRequest } from "@reimagine/contracts";
import type { StoredEvent } from "@reimagine/eventstore";
import {
  atPositions,
  interleave,
  newRequestId,
  openTestDatabase,
  requestFlow,
  type TestDatabase,
} from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRequestStateReader } from "./postgres-request-state-reader";
import { projectBatch } from "./project-batch";
import type { Projection } from "./projection";
import { readProjectionPosition } from "./projection-position";
import { listFailedRequests, listRequestRows } from "./request-repository";
import { requestsProjection } from "./requests-projection";

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.cleanup());

/** Each request's events, in log order. */
function byRequest(stored: StoredEvent[]): Map<string, AnyDomainEvent[]> {
  const out = new Map<string, AnyDomainEvent[]>();
  for (const { event } of stored) out.set(event.requestId, [...(out.get(event.requestId) ?? []), event]);
  return out;
}

/** Splits into batches of `size`. */
const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe("the requests projection", () => {
  // One log shared by the tests below, each starting from the database as the last one left it.
  const flows = [
    requestFlow("notified"),
    requestFlow("failed"),
    requestFlow("retried"),
    requestFlow("captioned"),
    requestFlow("cancelled"),
  ];
  const log = atPositions(interleave(flows));

  it("projects a full flow, a failure and a retry exactly as foldRequest folds them", async () => {
    // Batches of 3 cut every request's story across transactions: rows are re-read and folded on.
    for (const batch of chunks(log, 3)) await projectBatch(t.db, requestsProjection, batch);
    const reader = new PostgresRequestStateReader(t.db);
    for (const [id, events] of byRequest(log)) {
      expect(await reader.get(id)).toEqual(foldRequest(id, events));
    }
    const statuses = await Promise.all(flows.map(async (f) => (await reader.get(f[0]!.requestId))?.status));
    expect(statuses).toEqual(["notified", "failed", "notified", "captioned", "cancelled"]);
    expect(await readProjectionPosition(t.db, "requests")).toBe(log.length);
  });

  it("changes nothing when the same batch is delivered again or replayed from an earlier position", async () => {
    const before = await listRequestRows(t.db, { limit: 100 });
    expect(await projectBatch(t.db, requestsProjection, log)).toEqual({ position: log.length, applied: 0 });
    expect(await projectBatch(t.db, requestsProjection, log.slice(5, 9))).toEqual({
      position: log.length,
      applied: 0,
    });
    // The projection alone (no position check) is idempotent too: each row knows its last event.
    await t.db.transaction().execute((trx) => requestsProjection.apply(trx, "requests", log));
    expect(await listRequestRows(t.db, { limit: 100 })).toEqual(before);
  });

  it("applies only the part of an overlapping batch that is new", async () => {
    const more = atPositions(requestFlow("notified"), log.length + 1);
    const overlapping = [...log.slice(-2), ...more.slice(0, 2)];
    expect(await projectBatch(t.db, requestsProjection, overlapping)).toEqual({
      position: log.length + 2,
      applied: 2,
    });
    await projectBatch(t.db, requestsProjection, more);
    const id = more[0]!.event.requestId;
    expect(await new PostgresRequestStateReader(t.db).get(id)).toEqual(
      foldRequest(
        id,
        more.map((s) => s.event),
      ),
    );
  });

  it("stores rows and position together: a failed transaction leaves neither", async () => {
    const position = await readProjectionPosition(t.db, "requests");
    const flow = atPositions(requestFlow("notified"), position + 1);
    const failing: Projection = {
      ...requestsProjection,
      async apply(trx, table, events) {
        await requestsProjection.apply(trx, table, events);
        throw new Error("disk full");
      },
    };
    await expect(projectBatch(t.db, failing, flow)).rejects.toThrow("disk full");
    expect(await readProjectionPosition(t.db, "requests")).toBe(position);
    expect(await new PostgresRequestStateReader(t.db).get(flow[0]!.event.requestId)).toBeNull();
    // The same batch then goes through whole.
    expect((await projectBatch(t.db, requestsProjection, flow)).applied).toBe(flow.length);
  });

  it("lists failed requests, optionally only those that changed since a moment", async () => {
    const failed = await listFailedRequests(t.db);
    expect(failed.map((s) => s.requestId)).toEqual([flows[1]![0]!.requestId]);
    expect(failed[0]!.error).toEqual({
      stage: "generation",
      category: "model-unavailable",
      message: "HTTP 503 model loading",
      attempts: 6,
    });
    const future = new Date(Date.now() + 3_600_000);
    expect(await listFailedRequests(t.db, { since: future })).toEqual([]);
  });

  it("reads null for a request it does not know, or an id that is not a request id", async () => {
    const reader = new PostgresRequestStateReader(t.db);
    expect(await reader.get(newRequestId())).toBeNull();
    expect(await reader.get("not-a-uuid'; drop table requests; --")).toBeNull();
  });

  it("keeps the instant of a timestamp written with another offset", async () => {
    const position = await readProjectionPosition(t.db, "requests");
    const [submitted] = requestFlow("captioned");
    const shifted = { ...submitted!, occurredAt: "2026-11-29T12:00:00.000+02:00" };
    await projectBatch(t.db, requestsProjection, atPositions([shifted], position + 1));
    const state = await new PostgresRequestStateReader(t.db).get(shifted.requestId);
    expect(state?.createdAt).toBe("2026-11-29T10:00:00.000Z");
    expect(state?.history).toEqual([{ type: "ImageSubmitted", at: "2026-11-29T12:00:00.000+02:00" }]);
  });

  it("stores no webhook URL in clear text: neither a sealed one nor an older event's clear one", async () => {
    const position = await readProjectionPosition(t.db, "requests");
    const sealed = requestFlow("notified", undefined, undefined, {
      webhookUrl: "https://a.example.net/h?t=sealed-tok",
    });
    const clear = requestFlow("notified");
    (clear[0]!.data as { webhookUrl?: string }).webhookUrl = "https://b.example.net/h?t=clear-tok";
    await projectBatch(t.db, requestsProjection, atPositions([...sealed, ...clear], position + 1));
    const rows = JSON.stringify(await t.db.selectFrom("requests").selectAll().execute());
    expect(rows).toContain(clear[0]!.requestId);
    for (const part of ["example.net", "sealed-tok", "clear-tok"]) expect(rows).not.toContain(part);
  });
});
