import type { AnyDomainEvent } from "@reimagine/contracts";
import { DEAD_LETTER_HEADERS, encodeEvent } from "@reimagine/eventstore";
import { requestRetry } from "@reimagine/operations";
import { countRequests, projections, rebuildProjection } from "@reimagine/readmodel";
import {
  appendInterleaved,
  newRequestId,
  openTestDatabase,
  requestFlow,
  sealedRequestFlow,
  startS3Server,
  type TestDatabase,
  type TestS3Server,
} from "@reimagine/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommandApi } from "../app/create-command-api";
import { openTestApi, type TestApi } from "../testing/open-test-api";
import { ADMIN_FAILURES_PER_WINDOW, createAdminApi } from "./create-admin-api";

const TOKEN = "s3cret-admin-token-0123456789abcdef";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let s3: TestS3Server;
let api: TestApi;
let database: TestDatabase;
let app: NonNullable<ReturnType<typeof createAdminApi>>;

beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
});
beforeEach(async () => {
  api = await openTestApi({ s3, config: { ADMIN_TOKEN: TOKEN } });
  database = await openTestDatabase();
  app = createAdminApi({ ...api.deps, readModel: { db: async () => database.db } })!;
});
afterEach(async () => {
  await database.cleanup();
  await api.cleanup();
});

/** A request to the admin API with the right token. */
const admin = (path: string, init: RequestInit = {}) =>
  app.request(`/admin/v1${path}`, { ...init, headers: { ...AUTH, ...(init.headers ?? {}) } });

const problemType = async (res: Response) => ((await res.json()) as { type: string }).type;

/** Appends whole request stories to the test's log (addresses sealed by the API's vault); returns their events by request. */
async function given(...endings: Parameters<typeof requestFlow>[0][]): Promise<AnyDomainEvent[][]> {
  const flows = await Promise.all(endings.map((ending) => sealedRequestFlow(api.vault, ending)));
  await appendInterleaved(api.store, flows);
  return flows;
}

const project = () =>
  rebuildProjection({ db: database.db, store: api.store, projection: projections.requests });

/** NDJSON lines of a response, parsed. */
async function ndjson(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("admin API access", () => {
  it("is off without ADMIN_TOKEN, and never served by the public app (404 problem), token or not", async () => {
    expect(
      createAdminApi({ ...api.deps, config: { ...api.deps.config, ADMIN_TOKEN: undefined } }),
    ).toBeNull();
    const publicApp = createCommandApi(api.deps);
    for (const headers of [{}, AUTH] as Record<string, string>[]) {
      const res = await publicApp.request("/admin/v1/dead-letters", { headers });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await problemType(res)).toBe("urn:reimagine:problem:not-found");
    }
  });

  it("refuses every attempt from a client past its failed attempts, with Retry-After, until the window ends", async () => {
    const from = (address: string, headers: Record<string, string>) =>
      app.request("/admin/v1/dead-letters", { headers }, {
        incoming: { socket: { remoteAddress: address } },
      } as never);
    for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) {
      expect((await from("10.9.9.9", { authorization: "Bearer guess" })).status).toBe(401);
    }
    // Right answers never counted: an operator's working token is not throttled by its own use.
    expect((await from("10.9.9.8", AUTH)).status).toBe(200);
    const locked = await from("10.9.9.9", AUTH);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await problemType(locked)).toBe("urn:reimagine:problem:rate-limited");
    // Another address is not affected.
    expect((await from("10.9.9.7", AUTH)).status).toBe(200);
  });

  it("answers 401 with a Bearer challenge without a token or with a wrong one", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong" },
      { authorization: `Basic ${TOKEN}` },
    ];
    for (const headers of attempts) {
      const res = await app.request("/admin/v1/dead-letters", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await problemType(res)).toBe("urn:reimagine:problem:unauthorized");
    }
  });
});

describe("admin API: one request", () => {
  it("shows a request's timeline, or its raw events with positions", async () => {
    const [flow] = await given("failed");
    const id = flow![0]!.requestId;
    const res = await admin(`/requests/${id}/events`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { requestId: string; events: { type: string; stage: string }[] };
    expect(body.requestId).toBe(id);
    expect(body.events.map((e) => e.type)).toEqual(["ImageSubmitted", "CaptionProduced", "GenerationFailed"]);
    expect(body.events[2]).toMatchObject({ stage: "generation", position: 3 });

    const raw = (await (await admin(`/requests/${id}/events?format=raw`)).json()) as {
      events: (AnyDomainEvent & { position: number })[];
    };
    expect(raw.events.map((e) => [e.position, e.id])).toEqual(flow!.map((e, i) => [i + 1, e.id]));
    expect(raw.events[0]).toMatchObject({ data: { personal: { sealed: { keyId: id } } } });
    expect((body.events[0] as unknown as { summary: string }).summary).toContain("for p***@example.com");
  });

  it("shows the status with the email unmasked", async () => {
    const [flow] = await given("failed");
    const id = flow![0]!.requestId;
    const res = await admin(`/requests/${id}/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-reimagine-source")).toBe("event-log");
    expect(await res.json()).toMatchObject({
      id,
      status: "failed",
      email: "person@example.com",
      error: { stage: "generation", attempts: 6 },
    });
  });

  it("retries a failed request once, then refuses (409) since it is no longer failed", async () => {
    const [failed, notified] = await given("failed", "notified");
    const id = failed![0]!.requestId;
    const res = await admin(`/requests/${id}/retry`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "model is back", requestedBy: "nina" }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { requestId: string; stage: string; eventId: string };
    expect(body).toMatchObject({ requestId: id, stage: "generation" });
    const retry = (await api.events()).find((e) => e.id === body.eventId);
    expect(retry).toMatchObject({
      type: "RetryRequested",
      data: { requestedBy: "nina", reason: "model is back" },
    });

    const again = await admin(`/requests/${id}/retry`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await problemType(again)).toBe("urn:reimagine:problem:request-not-failed");
    const done = await admin(`/requests/${notified![0]!.requestId}/retry`, { method: "POST" });
    expect(done.status).toBe(409);
  });

  it("refuses a retry body that is not the expected JSON (400)", async () => {
    const [flow] = await given("failed");
    const res = await admin(`/requests/${flow![0]!.requestId}/retry`, {
      method: "POST",
      body: '{"stage":"x"}',
    });
    expect(res.status).toBe(400);
    expect(await problemType(res)).toBe("urn:reimagine:problem:malformed-request");
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    const unknown = newRequestId();
    for (const [method, path] of [
      ["GET", "events"],
      ["GET", "status"],
      ["POST", "retry"],
    ] as const) {
      const missing = await admin(`/requests/${unknown}/${path}`, { method });
      expect(missing.status).toBe(404);
      expect(await problemType(missing)).toBe("urn:reimagine:problem:unknown-request");
      const malformed = await admin(`/requests/not-a-uuid/${path}`, { method });
      expect(malformed.status).toBe(400);
      expect(await problemType(malformed)).toBe("urn:reimagine:problem:invalid-request-id");
    }
  });
});

describe("admin API: bulk retry and dead letters", () => {
  it("retries every failed request of the read model, refusing those the log shows are no longer failed", async () => {
    const [a, b] = await given("failed", "failed", "notified");
    await project();
    const ra = a![0]!.requestId;
    const rb = b![0]!.requestId;
    // Someone retried b already: the read model has not seen it yet.
    await requestRetry(api.store, rb, { requestedBy: "someone else" });

    const res = await admin("/retries", { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { retried: { requestId: string }[]; refused: { requestId: string }[] };
    expect(body.retried).toEqual([{ requestId: ra, stage: "generation", eventId: expect.any(String) }]);
    expect(body.refused).toEqual([{ requestId: rb, reason: expect.stringContaining("has not failed") }]);
  });

  it("takes only failures since a time, and refuses a since that is not a time", async () => {
    await given("failed");
    await project();
    const later = await admin(`/retries?since=${new Date(Date.now() + 3_600_000).toISOString()}`, {
      method: "POST",
    });
    expect(await later.json()).toEqual({ retried: [], refused: [] });
    const bad = await admin("/retries?since=yesterday-ish", { method: "POST" });
    expect(bad.status).toBe(400);
  });

  it("lists dead letters and requeues one, then knows it no more", async () => {
    expect(await (await admin("/dead-letters")).json()).toEqual({ deadLetters: [] });
    const [flow] = await given("captioned");
    const event = flow![1]!;
    const { payload, headers } = encodeEvent(event);
    headers.set(DEAD_LETTER_HEADERS.consumer, "generation_handler");
    headers.set(DEAD_LETTER_HEADERS.reason, "boom");
    headers.set(DEAD_LETTER_HEADERS.attempts, "6");
    await api.store.js.publish(api.store.layout.deadLetter("generation_handler", event.requestId), payload, {
      headers,
    });

    const listed = (await (await admin("/dead-letters")).json()) as { deadLetters: { id: number }[] };
    expect(listed.deadLetters).toEqual([
      expect.objectContaining({
        consumer: "generation_handler",
        reason: "boom",
        attempts: 6,
        requestId: event.requestId,
        eventType: "CaptionProduced",
      }),
    ]);
    const id = listed.deadLetters[0]!.id;
    const requeued = await admin(`/dead-letters/${id}/requeue`, { method: "POST" });
    expect(requeued.status).toBe(200);
    expect(await requeued.json()).toMatchObject({ requeued: { id, requestId: event.requestId } });
    expect(await (await admin("/dead-letters")).json()).toEqual({ deadLetters: [] });

    const gone = await admin(`/dead-letters/${id}/requeue`, { method: "POST" });
    expect(gone.status).toBe(404);
    expect(await problemType(gone)).toBe("urn:reimagine:problem:unknown-dead-letter");
    expect((await admin("/dead-letters/abc/requeue", { method: "POST" })).status).toBe(400);
  });
});

describe("admin API: export and import", () => {
  it("exports the log as NDJSON that imports into an empty store, and refuses a non-empty one", async () => {
    const flows = await given("notified", "failed");
    const exported = await admin("/export");
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("application/x-ndjson");
    const archive = await exported.text();
    const lines = archive.split("\n").filter((l) => l !== "");
    expect(lines.map((l) => (JSON.parse(l) as AnyDomainEvent).id).sort()).toEqual(
      flows
        .flat()
        .map((e) => e.id)
        .sort(),
    );

    const target = await openTestApi({ s3, config: { ADMIN_TOKEN: TOKEN } });
    try {
      const into = (body: string, type = "application/x-ndjson") =>
        createAdminApi(target.deps)!.request("/admin/v1/import", {
          method: "POST",
          headers: { ...AUTH, "content-type": type },
          body,
        });
      expect((await into(archive, "application/json")).status).toBe(415);
      const bad = await into(`${lines[0]}\n{"type":"Nonsense"}\n`);
      expect(bad.status).toBe(400);
      expect(await problemType(bad)).toBe("urn:reimagine:problem:invalid-archive");
      expect(await target.events()).toEqual([]);

      const imported = await into(archive);
      expect(imported.status).toBe(200);
      expect(await imported.json()).toMatchObject({ events: lines.length, requests: 2 });
      expect(await target.events()).toEqual(await api.events());

      const twice = await into(archive);
      expect(twice.status).toBe(409);
      expect(await problemType(twice)).toBe("urn:reimagine:problem:store-not-empty");
    } finally {
      await target.cleanup();
    }
  });

  it("exports only events since a time", async () => {
    const old = requestFlow("notified", newRequestId(), new Date("2020-01-01T00:00:00Z"));
    const recent = requestFlow("captioned");
    await appendInterleaved(api.store, [old, recent]);
    const res = await admin("/export?since=2024-01-01T00:00:00Z");
    const ids = (await ndjson(res)).map((e) => e.id);
    expect(ids).toEqual(recent.map((e) => e.id));
  });
});

describe("admin API: replay and verify", () => {
  it("streams the replay's progress, then its result, and rebuilds the table", async () => {
    const events = (await given("notified", "failed", "retried")).flat().length;
    const res = await admin("/replay?projection=requests", { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = await ndjson(res);
    const last = lines.at(-1)!;
    const progress = lines.slice(0, -1);
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) {
      expect(p).toEqual({
        done: expect.any(Number),
        total: expect.any(Number),
        eventsPerSecond: expect.any(Number),
        etaSeconds: expect.any(Number),
      });
    }
    expect(progress.at(-1)).toMatchObject({ done: events, total: events });
    expect(last).toEqual({ result: { events, requests: 3, durationMs: expect.any(Number) } });
    expect(await countRequests(database.db)).toBe(3);
  });

  it("refuses an unknown projection (400)", async () => {
    const res = await admin("/replay?projection=nope", { method: "POST" });
    expect(res.status).toBe(400);
    expect(await problemType(res)).toBe("urn:reimagine:problem:unknown-projection");
  });

  it("verifies the read model: no drift, then drift after a row is tampered with", async () => {
    const [flow] = await given("notified", "failed");
    await project();
    const clean = await admin("/verify");
    expect(clean.status).toBe(200);
    expect(await clean.json()).toMatchObject({ checked: 2, differences: [], drift: false });

    const id = flow![0]!.requestId;
    await database.db
      .updateTable("requests")
      .set({ caption: "tampered" })
      .where("request_id", "=", id)
      .execute();
    const drifted = await admin("/verify");
    expect(drifted.status).toBe(200);
    expect(await drifted.json()).toMatchObject({
      drift: true,
      differences: [{ requestId: id, field: "caption", actual: "tampered" }],
    });
  });

  it("answers 503 when the read model is down or not configured", async () => {
    const closed = await openTestDatabase();
    await closed.cleanup();
    const down = createAdminApi({ ...api.deps, readModel: { db: async () => closed.db } })!;
    const none = createAdminApi(api.deps)!;
    for (const target of [down, none]) {
      for (const [method, path] of [
        ["GET", "/verify"],
        ["POST", "/replay"],
        ["POST", "/retries"],
      ] as const) {
        const res = await target.request(`/admin/v1${path}`, { method, headers: AUTH });
        expect(res.status).toBe(503);
        expect(await problemType(res)).toBe("urn:reimagine:problem:dependency-unavailable");
      }
    }
  });
});
