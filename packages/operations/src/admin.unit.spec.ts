import { newEvent } from "@reimagine/contracts";
import { InMemoryEventStore } from "@reimagine/eventstore";
import { captionProduced, fixtureVault, imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { InvalidArchiveError, StoreNotEmptyError } from "./archive-errors";
import { exportLog } from "./export-log";
import { importLog } from "./import-log";
import { NotFailedError, requestRetry } from "./request-retry";
import { requestTimeline } from "./request-timeline";
import { UnknownRequestError } from "./unknown-request-error";

async function failedRequest(store: InMemoryEventStore) {
  const id = newRequestId();
  const submitted = imageSubmitted(id, { email: "nina@example.com" });
  const failed = newEvent(
    "CaptionFailed",
    id,
    { reason: "HTTP 401: bad token", httpStatus: 401, attempts: 1 },
    { correlationId: id, causationId: submitted.id },
  );
  await store.append(id, [submitted, failed], "no_stream");
  return { id, submitted, failed };
}

describe("requestTimeline", () => {
  it("lists every event in order with stage, summary and ids, masking the email", async () => {
    const store = new InMemoryEventStore();
    const { id, submitted, failed } = await failedRequest(store);
    const lines = await requestTimeline(store, fixtureVault, id);
    expect(lines.map((l) => [l.type, l.stage])).toEqual([
      ["ImageSubmitted", "submission"],
      ["CaptionFailed", "caption"],
    ]);
    expect(lines[0]!.summary).toContain("n***@example.com");
    expect(lines[0]!.summary).not.toContain("nina@");
    expect(lines[1]!.summary).toBe("after 1 attempt(s), HTTP 401: HTTP 401: bad token");
    expect(lines[1]!.causationId).toBe(submitted.id);
    expect(lines[1]!.id).toBe(failed.id);
  });

  it("refuses an unknown request", async () => {
    await expect(
      requestTimeline(new InMemoryEventStore(), fixtureVault, newRequestId()),
    ).rejects.toBeInstanceOf(UnknownRequestError);
  });
});

describe("requestRetry", () => {
  it("appends RetryRequested for the failed stage", async () => {
    const store = new InMemoryEventStore();
    const { id, failed } = await failedRequest(store);
    const retry = await requestRetry(store, id, { requestedBy: "ops", reason: "token rotated" });
    expect(retry.data).toEqual({ stage: "caption", requestedBy: "ops", reason: "token rotated" });
    expect(retry.metadata.causationId).toBe(failed.id);
    const history = await store.readRequest(id);
    expect(history.events.at(-1)!.event.type).toBe("RetryRequested");
  });

  it("refuses a request that has not failed, and a second retry", async () => {
    const store = new InMemoryEventStore();
    const id = newRequestId();
    const submitted = imageSubmitted(id);
    await store.append(id, [submitted, captionProduced(submitted)], "no_stream");
    await expect(requestRetry(store, id, { requestedBy: "ops" })).rejects.toThrowError(
      /has not failed \(status: captioned\)/,
    );
    const failed = await failedRequest(store);
    await requestRetry(store, failed.id, { requestedBy: "ops" });
    await expect(requestRetry(store, failed.id, { requestedBy: "ops" })).rejects.toBeInstanceOf(
      NotFailedError,
    );
  });
});

describe("requestRetry, racing", () => {
  it("retries although the person was told of the failure between its read and its append", async () => {
    const store = new InMemoryEventStore();
    const { id, failed } = await failedRequest(store);
    const told = newEvent(
      "FailureNotified",
      id,
      { stage: "caption", messageId: "<m@x.test>", recipientDomain: "example.com" },
      { correlationId: id, causationId: failed.id },
    );
    const read = store.readRequest.bind(store);
    let reads = 0;
    store.readRequest = async (requestId) => {
      const history = await read(requestId);
      if (++reads === 1) await store.append(id, [told], history.version);
      return history;
    };
    const retry = await requestRetry(store, id, { requestedBy: "ops" });
    expect(retry.metadata.causationId).toBe(told.id);
    const types = (await read(id)).events.map((e) => e.event.type);
    expect(types).toEqual(["ImageSubmitted", "CaptionFailed", "FailureNotified", "RetryRequested"]);
  });

  it("of two operators retrying at once, one retries and the other is refused", async () => {
    const store = new InMemoryEventStore();
    const { id } = await failedRequest(store);
    const results = await Promise.allSettled([
      requestRetry(store, id, { requestedBy: "ann" }),
      requestRetry(store, id, { requestedBy: "bob" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const types = (await store.readRequest(id)).events.map((e) => e.event.type);
    expect(types.filter((t) => t === "RetryRequested")).toHaveLength(1);
  });
});

describe("exportLog / importLog", () => {
  it("round-trips the log into an empty store, keeping ids, order and metadata", async () => {
    const source = new InMemoryEventStore();
    await failedRequest(source);
    await failedRequest(source);
    const lines: string[] = [];
    expect(await exportLog(source, (l) => void lines.push(l))).toBe(4);
    const target = new InMemoryEventStore();
    expect(await importLog(target, lines)).toEqual({
      events: 4,
      requests: 2,
      firstPosition: 1,
      lastPosition: 4,
    });
    const copy: unknown[] = [];
    for await (const s of target.readAll()) copy.push(s.event);
    expect(copy).toEqual(lines.map((l) => JSON.parse(l)));
  });

  it("exports only events since a time", async () => {
    const store = new InMemoryEventStore();
    await failedRequest(store);
    const lines: string[] = [];
    expect(await exportLog(store, (l) => void lines.push(l), { since: new Date(Date.now() + 60_000) })).toBe(
      0,
    );
  });

  it("refuses a non-empty store and a bad archive, importing nothing", async () => {
    const store = new InMemoryEventStore();
    await failedRequest(store);
    await expect(importLog(store, [])).rejects.toBeInstanceOf(StoreNotEmptyError);
    const empty = new InMemoryEventStore();
    const good = JSON.stringify(imageSubmitted(newRequestId()));
    await expect(importLog(empty, [good, "{not json"])).rejects.toThrowError(InvalidArchiveError);
    expect(await empty.headPosition()).toBe(0);
  });
});
