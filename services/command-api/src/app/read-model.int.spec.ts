import type { StoredEvent } from "@reimagine/eventstore";
import { PostgresRequestStateReader, projectBatch, requestsProjection } from "@reimagine/readmodel";
import { makeJpeg, openTestDatabase, type TestDatabase } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";
import { createCommandApi } from "./create-command-api";

let api: TestApi;
let database: TestDatabase;
let app: ReturnType<typeof createCommandApi>;
let jpeg: Buffer;

beforeAll(async () => {
  api = await openTestApi();
  database = await openTestDatabase();
  app = createCommandApi({ ...api.deps, reader: new PostgresRequestStateReader(database.db) });
  jpeg = await makeJpeg(24, 24);
});
afterAll(async () => {
  await api.cleanup();
  await database.cleanup();
});

async function submit(): Promise<string> {
  const res = await app.request("/api/v1/register", {
    method: "POST",
    body: submissionForm({ image: jpeg }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** What the projector does: the log's events into the requests table, position in the same transaction. */
async function project(): Promise<void> {
  const events: StoredEvent[] = [];
  for await (const stored of api.store.readAll()) events.push(stored);
  await projectBatch(database.db, requestsProjection, events);
}

describe("with the Postgres read model", () => {
  it("answers from the log before projection and from Postgres after, with the same body", async () => {
    const id = await submit();
    const early = await app.request(`/api/v1/request/${id}`);
    expect(early.status).toBe(200);
    expect(early.headers.get("x-reimagine-source")).toBe("event-log");
    const fromLog = await early.json();

    await project();
    const late = await app.request(`/api/v1/request/${id}`);
    expect(late.headers.get("x-reimagine-source")).toBe("read-model");
    expect(await late.json()).toEqual(fromLog);
  });

  it("is ready while Postgres answers", async () => {
    expect(await (await app.request("/readyz")).json()).toMatchObject({ checks: { readModel: "ok" } });
  });

  it("keeps accepting and answering when Postgres is gone (read-your-write from the log)", async () => {
    const closed = await openTestDatabase();
    const reader = new PostgresRequestStateReader(closed.db);
    await closed.cleanup();
    const withoutPostgres = createCommandApi({ ...api.deps, reader });

    const res = await withoutPostgres.request("/api/v1/register", {
      method: "POST",
      body: submissionForm({ image: jpeg }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const status = await withoutPostgres.request(`/api/v1/request/${id}`);
    expect(status.status).toBe(200);
    expect(status.headers.get("x-reimagine-source")).toBe("event-log");
    expect(await status.json()).toMatchObject({ id, status: "pending" });

    // Still ready: a Postgres outage must not take the API out of service; it is reported as degraded.
    const ready = await withoutPostgres.request("/readyz");
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(body).toMatchObject({ status: "degraded", checks: { nats: "ok", blobs: "ok" } });
    expect(body.checks.readModel).toBe("degraded");
  });
});
