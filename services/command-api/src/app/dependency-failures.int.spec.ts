import { createHash } from "node:crypto";
import { S3BlobStore } from "@reimagine/blobs";
import type { AnyDomainEvent } from "@reimagine/contracts";
import {
  type AppendResult,
  type EventStore,
  EventStoreUnavailableError,
  type ExpectedVersion,
} from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import { makeJpeg } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";
import { createCommandApi } from "./create-command-api";

/** The real store, whose next appends fail: before writing (NATS down) or after (the ack was lost). */
class FlakyStore implements EventStore {
  failures: { when: "before" | "after"; count: number } = { when: "before", count: 0 };
  constructor(private readonly inner: EventStore) {}

  async append(
    requestId: string,
    events: AnyDomainEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    if (this.failures.count > 0) {
      this.failures.count -= 1;
      if (this.failures.when === "after") await this.inner.append(requestId, events, expected);
      throw new EventStoreUnavailableError(`append to ${requestId} failed`, { cause: new Error("TIMEOUT") });
    }
    return this.inner.append(requestId, events, expected);
  }
  readRequest(requestId: string) {
    return this.inner.readRequest(requestId);
  }
  readFirstEvent(requestId: string) {
    return this.inner.readFirstEvent(requestId);
  }
  readAll(options?: { fromPosition?: number }) {
    return this.inner.readAll(options);
  }
  headPosition() {
    return this.inner.headPosition();
  }
  ping() {
    return this.inner.ping();
  }
  watchRequest(requestId: string, options?: { signal?: AbortSignal }) {
    return this.inner.watchRequest(requestId, options);
  }
  appendInOrder(...args: Parameters<EventStore["appendInOrder"]>) {
    return this.inner.appendInOrder(...args);
  }
  readEventIds(options?: { fromPosition?: number }) {
    return this.inner.readEventIds(options);
  }
}

let api: TestApi;
let jpeg: Buffer;
let flaky: FlakyStore;
let app: ReturnType<typeof createCommandApi>;

beforeAll(async () => {
  api = await openTestApi();
  jpeg = await makeJpeg(32, 32);
  flaky = new FlakyStore(api.store);
  app = createCommandApi({ ...api.deps, store: flaky });
});
afterAll(() => api.cleanup());

const submit = (headers: Record<string, string> = {}, image = jpeg) =>
  app.request("/api/v1/register", { method: "POST", body: submissionForm({ image }), headers });

async function expectUnavailable(res: Response, detail: RegExp): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("retry-after")).toBe("5");
  expect(await res.json()).toMatchObject({ status: 503, detail: expect.stringMatching(detail) });
}

describe("when a dependency fails", () => {
  it("removes the original and answers 503 when the append fails", async () => {
    const before = await api.objects(api.buckets.originals);
    flaky.failures = { when: "before", count: 1 };
    await expectUnavailable(await submit(), /event log/);
    expect(await api.objects(api.buckets.originals)).toEqual(before);
  });

  it("answers 202 and keeps the original when the append was written but its ack was lost", async () => {
    const eventsBefore = (await api.events()).length;
    flaky.failures = { when: "after", count: 1 };
    const res = await submit();
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await api.events()).length).toBe(eventsBefore + 1);
    expect(await api.objects(api.buckets.originals)).toContain(`${id}/original.jpg`);
  });

  it("lets a retry with the same Idempotency-Key proceed after a failed attempt, under the same id", async () => {
    const eventsBefore = (await api.events()).length;
    const headers = { "idempotency-key": "retry-after-failure" };
    flaky.failures = { when: "before", count: 1 };
    await expectUnavailable(await submit(headers), /event log/);
    // Keys are stored hashed with the email they are scoped by, never as sent; the failed attempt
    // left its claim marked failed.
    const key = createHash("sha256").update(`nina@example.com\n${headers["idempotency-key"]}`).digest("hex");
    const claim = await api.idempotency.get(key);
    expect(claim?.value.state).toBe("failed");

    const retry = await submit(headers);
    expect(retry.status).toBe(202);
    const { id } = (await retry.json()) as { id: string };
    const events = await api.events();
    expect(events.length).toBe(eventsBefore + 1);
    expect(events.at(-1)).toMatchObject({ type: "ImageSubmitted", requestId: id });
    expect(id).toBe(claim?.value.data.requestId);
    expect((await api.idempotency.get(key))?.value.state).toBe("done");
    expect(await api.objects(api.buckets.originals)).toContain(`${id}/original.jpg`);

    const replay = await submit(headers);
    expect(await replay.json()).toMatchObject({ id });
    expect((await api.events()).length).toBe(eventsBefore + 1);
  });

  it("answers 503 and appends nothing when the blob store is down", async () => {
    const eventsBefore = (await api.events()).length;
    const down = new S3BlobStore({
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      accessKey: "x",
      secretKey: "y",
    });
    const noBlobs = createCommandApi({ ...api.deps, blobs: down, logger: silentLogger });
    const res = await noBlobs.request("/api/v1/register", {
      method: "POST",
      body: submissionForm({ image: jpeg }),
    });
    await expectUnavailable(res, /image store/);
    expect((await api.events()).length).toBe(eventsBefore);
  });

  it("accepts submissions while the read model (Postgres) is down", async () => {
    api.reader.failure = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    try {
      const res = await submit();
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const status = await app.request(`/api/v1/request/${id}`);
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ id, status: "pending" });
    } finally {
      api.reader.failure = null;
    }
  });

  it("answers 503, not 404, when neither the read model nor the event log can be read", async () => {
    const noLog: EventStore = {
      ...flaky,
      append: () => Promise.reject(new EventStoreUnavailableError("down")),
      readRequest: () => Promise.reject(new EventStoreUnavailableError("down")),
      readFirstEvent: () => Promise.reject(new EventStoreUnavailableError("down")),
      readAll: () => flaky.readAll(),
      headPosition: () => Promise.reject(new EventStoreUnavailableError("down")),
      ping: () => Promise.reject(new EventStoreUnavailableError("down")),
      watchRequest: (id) => flaky.watchRequest(id),
      appendInOrder: () => Promise.reject(new EventStoreUnavailableError("down")),
      readEventIds: () => flaky.readEventIds(),
    };
    api.reader.failure = new Error("connection refused");
    try {
      const blind = createCommandApi({ ...api.deps, store: noLog });
      const res = await blind.request("/api/v1/request/0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b");
      await expectUnavailable(res, /event log/);
    } finally {
      api.reader.failure = null;
    }
  });

  it("answers 500 with a generic detail for an unexpected error, never its message", async () => {
    const broken: EventStore = {
      ...flaky,
      append: () => Promise.reject(new TypeError("secret internals at /srv/app/x.ts:12")),
      readRequest: (id) => api.store.readRequest(id),
      readFirstEvent: (id) => api.store.readFirstEvent(id),
      readAll: () => flaky.readAll(),
      headPosition: () => api.store.headPosition(),
      ping: () => api.store.ping(),
      watchRequest: (id) => api.store.watchRequest(id),
      appendInOrder: (...args) => api.store.appendInOrder(...args),
      readEventIds: () => flaky.readEventIds(),
    };
    const res = await createCommandApi({ ...api.deps, store: broken }).request("/api/v1/register", {
      method: "POST",
      body: submissionForm({ image: jpeg }),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const text = await res.text();
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toMatchObject({
      status: 500,
      detail: "an unexpected error occurred; it has been logged",
    });
  });
});
