import type { AnyDomainEvent } from "@reimagine/contracts";
import { FAILURE_SENTENCES, RequestEventMessage } from "@reimagine/contracts";
import { newRequestId, requestFlow, waitFor } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningCommandApi, startCommandApi } from "../app/start-command-api";
import { EventStreamReader } from "../testing/event-stream-reader";
import { openTestApi, type TestApi } from "../testing/open-test-api";

let api: TestApi;
let running: RunningCommandApi;
const readers: EventStreamReader[] = [];

beforeAll(async () => {
  api = await openTestApi({ config: { SSE_HEARTBEAT_MS: 150, SSE_MAX_STREAMS_PER_CLIENT: 3 } });
  running = await startCommandApi(api.deps, { port: 0, host: "127.0.0.1", graceMs: 1000 });
});
afterAll(async () => {
  for (const r of readers) r.close();
  await running?.stop();
  await api?.cleanup();
});

/** Opens the event stream of a request, closed after the test file. */
async function open(id: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
  const reader = await EventStreamReader.open(`${running.url}/api/v1/request/${id}/events`, headers);
  readers.push(reader);
  return reader;
}

/** Appends events of one request in order, one append each; returns their positions. */
async function append(events: AnyDomainEvent[]): Promise<number[]> {
  const positions: number[] = [];
  for (const e of events) {
    const { version } = await api.store.readRequest(e.requestId);
    const r = await api.store.append(e.requestId, [e], version === 0 ? "no_stream" : version);
    positions.push(r.nextExpectedVersion);
  }
  return positions;
}

const dataOf = (reader: EventStreamReader) =>
  reader.domainEvents.map((e) => RequestEventMessage.parse(JSON.parse(e.data)));

describe("GET /api/v1/request/:id/events", () => {
  it("streams the history, then live events, one per domain event with its position as id, and ends", async () => {
    const id = newRequestId();
    const flow = requestFlow("notified", id);
    const positions = await append(flow.slice(0, 2));
    const reader = await open(id);
    expect(reader.status).toBe(200);
    expect(reader.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await reader.waitFor((r) => r.events.length === 2, "the history");
    positions.push(...(await append(flow.slice(2))));
    await reader.closed();

    expect(reader.events.map((e) => [e.id, e.event])).toEqual([
      ...flow.map((e, i) => [String(positions[i]), e.type]),
      [undefined, "end"],
    ]);
    expect(JSON.parse(reader.events.at(-1)!.data)).toEqual({ status: "notified" });
    const data = dataOf(reader);
    expect(data.map((d) => [d.position, d.type, d.status])).toEqual([
      [positions[0], "ImageSubmitted", "pending"],
      [positions[1], "CaptionProduced", "captioned"],
      [positions[2], "ImageGenerated", "generated"],
      [positions[3], "UserNotified", "notified"],
    ]);
    expect(data[1]!.data).toMatchObject({
      caption: expect.any(String),
      model: "test-model",
      provider: "test",
    });
    expect(data[2]!.data.generatedImageUrl).toMatch(new RegExp(`/api/v1/request/${id}/image$`));
    expect(data[0]!.data.originalImageUrl).toMatch(new RegExp(`/api/v1/request/${id}/original$`));
    // what only the owner and operators may see never leaves
    const raw = reader.events.map((e) => e.data).join("\n");
    for (const secret of ["person@example.com", "imageKey", "original.jpg", "messageId", "@test>"]) {
      expect(raw).not.toContain(secret);
    }
  });

  it("resumes after Last-Event-ID mid-request with no gap and no repeat", async () => {
    const id = newRequestId();
    const flow = requestFlow("notified", id);
    const positions = await append(flow.slice(0, 2));
    const first = await open(id);
    await first.waitFor((r) => r.events.length === 2, "the first two events");
    first.close(); // the connection drops
    positions.push(...(await append(flow.slice(2, 3)))); // happens while nobody listens

    const resumed = await open(id, { "last-event-id": first.events.at(-1)!.id! });
    expect(resumed.status).toBe(200);
    await resumed.waitFor((r) => r.events.length === 1, "the event missed while away");
    positions.push(...(await append(flow.slice(3))));
    await resumed.closed();

    const ids = [...first.domainEvents, ...resumed.domainEvents].map((e) => Number(e.id));
    expect(ids).toEqual(positions);
    expect(dataOf(resumed).map((d) => d.status)).toEqual(["generated", "notified"]);

    // Resuming a finished request after its last event: 204, which makes an EventSource stop.
    const after = await open(id, { "last-event-id": String(positions.at(-1)) });
    expect(after.status).toBe(204);
  });

  it("does not end at a failure the history shows retried, but at the request's present end", async () => {
    const id = newRequestId();
    const flow = requestFlow("retried", id);
    await append(flow);
    const reader = await open(id);
    await reader.closed();
    expect(reader.events.map((e) => e.event)).toEqual([...flow.map((e) => e.type), "end"]);

    const failed = newRequestId();
    await append(requestFlow("failed", failed));
    const ended = await open(failed);
    await ended.closed();
    expect(JSON.parse(ended.events.at(-1)!.data)).toEqual({ status: "failed" });
    // the failure as the status shows it: its category's sentence, never the recorded reason
    expect(dataOf(ended).at(-1)!.data).toEqual({
      stage: "generation",
      category: "model-unavailable",
      message: FAILURE_SENTENCES["model-unavailable"],
      attempts: 6,
    });
    expect(ended.events.map((e) => e.data).join("\n")).not.toContain("HTTP 503 model loading");
  });

  it("sends heartbeats while nothing happens", async () => {
    const id = newRequestId();
    await append(requestFlow("captioned", id));
    const reader = await open(id);
    await reader.waitFor((r) => r.comments.length >= 2, "two heartbeats");
    expect(reader.comments[0]).toMatch(/keep-alive/);
    expect(reader.ended).toBe(false);
    reader.close();
  });

  it("answers problems before streaming: unknown request, bad id, bad Last-Event-ID", async () => {
    const unknown = await fetch(`${running.url}/api/v1/request/${newRequestId()}/events`);
    expect([unknown.status, unknown.headers.get("content-type")]).toEqual([404, "application/problem+json"]);
    const badId = await fetch(`${running.url}/api/v1/request/nope/events`);
    expect(badId.status).toBe(400);
    const id = newRequestId();
    await append(requestFlow("captioned", id));
    const badResume = await fetch(`${running.url}/api/v1/request/${id}/events`, {
      headers: { "last-event-id": "abc" },
    });
    expect(await badResume.json()).toMatchObject({
      status: 400,
      type: "urn:reimagine:problem:invalid-last-event-id",
    });
  });

  it("allows a bounded number of open streams per client address (429 beyond), freed on disconnect", async () => {
    const id = newRequestId();
    await append(requestFlow("captioned", id));
    const open3 = [await open(id), await open(id), await open(id)];
    expect(open3.map((r) => r.status)).toEqual([200, 200, 200]);
    const refused = await fetch(`${running.url}/api/v1/request/${id}/events`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ type: "urn:reimagine:problem:too-many-streams" });
    for (const r of open3) r.close();
    const again = await waitFor(
      async () => {
        const r = await open(id);
        if (r.status === 200) return r;
        r.close();
        return null;
      },
      { what: "a slot to be freed" },
    );
    again.close();
  });
});

describe("event streams and shutdown", () => {
  it("ends every open stream when the API stops, instead of holding the shutdown", async () => {
    const own = await openTestApi();
    const server = await startCommandApi(own.deps, { port: 0, host: "127.0.0.1", graceMs: 60_000 });
    try {
      const id = newRequestId();
      const [submitted] = requestFlow("captioned", id);
      await own.store.append(id, [submitted!], "no_stream");
      const reader = await EventStreamReader.open(`${server.url}/api/v1/request/${id}/events`);
      await reader.waitFor((r) => r.events.length === 1, "the history");
      // the grace period is 60 s: only the shutdown signal can close the stream within the wait
      await server.stop();
      await reader.closed(20_000);
    } finally {
      await server.stop();
      await own.cleanup();
    }
  });
});
