import { InMemoryEventStore } from "@reimagine/eventstore";
import {
  interleave,
  newRequestId,
  openTestDatabase,
  requestFlow,
  type TestDatabase,
} from "@reimagine/testing";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectBatch } from "./project-batch";
import { requestsProjection } from "./requests-projection";
import { verifyProjection } from "./verify-projection";

describe("verifyProjection", () => {
  let t: TestDatabase;
  let store: InMemoryEventStore;
  const flows = [requestFlow("notified"), requestFlow("failed"), requestFlow("retried")];
  const idOf = (i: number) => flows[i]![0]!.requestId;

  beforeEach(async () => {
    t = await openTestDatabase();
    store = new InMemoryEventStore();
    for (const e of interleave(flows)) await store.append(e.requestId, [e], "any");
    const all = [];
    for await (const s of store.readAll()) all.push(s);
    await projectBatch(t.db, requestsProjection, all);
  });
  afterEach(async () => t.cleanup());

  it("finds nothing wrong with a faithful projection, even while the log runs ahead of it", async () => {
    for (const e of requestFlow("notified")) await store.append(e.requestId, [e], "any");
    const report = await verifyProjection({ db: t.db, store });
    expect(report).toEqual({
      position: flows.flat().length,
      checked: 3,
      differences: [],
      missingRows: [],
      unexpectedRows: [],
    });
  });

  it("reports each tampered field with the value the log says it should have", async () => {
    await t.db
      .updateTable("requests")
      .set({ status: "notified", caption: "a dog", last_position: 1 })
      .where("request_id", "=", idOf(1))
      .execute();
    const { differences } = await verifyProjection({ db: t.db, store });
    expect(differences).toEqual([
      { requestId: idOf(1), field: "status", expected: "failed", actual: "notified" },
      { requestId: idOf(1), field: "caption", expected: `caption of ${idOf(1).slice(-4)}`, actual: "a dog" },
      { requestId: idOf(1), field: "lastPosition", expected: expect.any(Number), actual: 1 },
    ]);
  });

  it("reports a missing row and a row no event explains", async () => {
    await t.db.deleteFrom("requests").where("request_id", "=", idOf(0)).execute();
    const stranger = newRequestId();
    await sql`insert into requests select ${stranger}::uuid, submitted, status, original_key,
      original_content_type, caption, caption_provider, caption_model, generated_image_key,
      generated_content_type, generation_provider, notification_message_id, error, retries, history,
      created_at, updated_at, last_position, generation_model, failure_notice, contact, images_expired_at,
      erased_at from requests where request_id = ${idOf(2)}`.execute(t.db);
    const report = await verifyProjection({ db: t.db, store });
    expect([report.missingRows, report.unexpectedRows, report.checked]).toEqual([[idOf(0)], [stranger], 4]);
    expect(report.differences.map((d) => [d.requestId, d.field])).toEqual([
      [idOf(0), "row"],
      [stranger, "row"],
    ]);
  });
});
