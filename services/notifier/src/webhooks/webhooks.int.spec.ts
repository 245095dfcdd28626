import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDiskBlobStore } from "@reimagine/blobs";
import { type AnyDomainEvent, type DomainEvent, FAILURE_SENTENCES } from "@reimagine/contracts";
import { type EventStore, listDeadLetters, requeueDeadLetter, type StoredEvent } from "@reimagine/eventstore";
import { exportLog, forgetRequest, requestTimeline } from "@reimagine/operations";
import { type Config, loadConfig, type Stoppable, silentLogger } from "@reimagine/platform";
import {
  newRequestId,
  openTestStore,
  rawStreamText,
  requestFlow,
  sealedRequestFlow,
  startWebhookReceiver,
  type TestStore,
  type WebhookReceiver,
  waitFor,
  waitForDeadLetters,
} from "@reimagine/testing";
import { openVault, type Vault } from "@reimagine/vault";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handlerContext } from "../testing/generated-request";
import { startWebhooks } from "./start-webhooks";
import { createWebhookHandler, WEBHOOKS_NAME } from "./webhook-handler";
import type { WebhookMessage } from "./webhook-message";
import { createWebhookSender } from "./webhook-sender";

const SECRET = `whsec_${Buffer.alloc(32, 42).toString("base64")}`;
const MAX_ATTEMPTS = 3;

/**
 * The store, counting the request reads made through it (not those the store makes itself);
 * `lagging`: its first-event reads answer null, as a replica that has none of the request yet.
 */
function countingReads(store: EventStore, options: { lagging?: boolean } = {}) {
  const reads = { firstEvent: 0, history: 0 };
  const counted = new Proxy(store, {
    get(target, key) {
      if (key === "readFirstEvent") {
        return async (id: string) => {
          reads.firstEvent++;
          return options.lagging ? null : target.readFirstEvent(id);
        };
      }
      if (key === "readRequest") {
        return (...args: Parameters<EventStore["readRequest"]>) => {
          reads.history++;
          return target.readRequest(...args);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: counted, reads };
}

function testConfig(overrides: Record<string, string | number | boolean> = {}): Config {
  return loadConfig(
    {
      PUBLIC_BASE_URL: "https://reimagine.example.com",
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: true, // the receiver runs on 127.0.0.1
      WEBHOOK_TIMEOUT_MS: 2000,
      HANDLER_MAX_ATTEMPTS: MAX_ATTEMPTS,
      HANDLER_ACK_WAIT_MS: 2000,
      HANDLER_BACKOFF_BASE_MS: 20,
      HANDLER_BACKOFF_MAX_MS: 100,
      SHUTDOWN_GRACE_MS: 1000,
      ...overrides,
    },
    {},
  );
}

describe("webhooks (real NATS JetStream, a real HTTP receiver)", () => {
  let t: TestStore;
  let receiver: WebhookReceiver;
  const parts: Stoppable[] = [];

  let vault: Vault;
  let dir: string;

  beforeEach(async () => {
    t = await openTestStore();
    vault = await openVault(t.store, { replicas: 1 });
    receiver = await startWebhookReceiver();
    dir = await mkdtemp(join(tmpdir(), "reimagine-webhooks-"));
  });
  afterEach(async () => {
    await Promise.all(parts.splice(0).map((p) => p.stop()));
    await receiver.stop();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const forget = async (id: string) => {
    const blobs = new LocalDiskBlobStore(dir);
    const buckets = { originals: "originals", generated: "generated" };
    await blobs.ensureBuckets(Object.values(buckets));
    return forgetRequest({ store: t.store, vault, blobs, buckets }, id, { requestedBy: "test" });
  };
  /** True once the webhook reactor has seen the whole log and acknowledged all of it. */
  const drained = async () => {
    const head = await t.store.headPosition();
    const info = await t.store.jsm.consumers.info(t.layout.stream, WEBHOOKS_NAME).catch(() => null);
    return !!info && info.delivered.stream_seq >= head && info.num_ack_pending === 0;
  };
  /** Everything an operator or the public can see of the log and of one request. */
  const everythingShown = async (id: string) => {
    const lines: string[] = [];
    await exportLog(t.store, (line) => {
      lines.push(line);
    });
    const timeline = await requestTimeline(t.store, vault, id);
    const dead = await listDeadLetters(t.store);
    return [...lines, JSON.stringify(timeline), JSON.stringify(dead)].join("\n");
  };

  const run = async (config = testConfig()) => {
    parts.push(await startWebhooks({ store: t.store, config, logger: silentLogger }));
  };

  /**
   * Appends a request's story, its ImageSubmitted carrying `webhookUrl` sealed with the address in
   * the stream's key bucket, as the API writes it; or, `clear`, in clear text as events written
   * before the URL was sealed hold it.
   */
  async function request(
    ending: Parameters<typeof requestFlow>[0],
    webhookUrl: string | null = receiver.url,
    options: { clear?: boolean; id?: string } = {},
  ) {
    const id = options.id ?? newRequestId();
    const sealedUrl = webhookUrl && !options.clear ? { webhookUrl } : {};
    const events = await sealedRequestFlow(vault, ending, id, undefined, sealedUrl);
    const submitted = events[0] as DomainEvent<"ImageSubmitted">;
    if (webhookUrl && options.clear) submitted.data.webhookUrl = webhookUrl;
    const { positions } = await t.store.append(id, events, "no_stream");
    const last = events.at(-1)!;
    return { id, last, trigger: { event: last, position: positions.at(-1)! } as StoredEvent };
  }

  /** The webhook reactor's handler on `store`, sending to the receiver, without the runtime. */
  const handlerOn = (store: EventStore) =>
    createWebhookHandler({
      store,
      vault,
      sender: createWebhookSender({ secret: SECRET, timeoutMs: 2000, targets: { allowPrivate: true } }),
      publicBaseUrl: "https://reimagine.example.com",
    });
  const ctx = handlerContext({ logger: silentLogger });

  const eventsOf = async (id: string) => (await t.store.readRequest(id)).events.map((s) => s.event);
  const outcome = (id: string, type: "WebhookDelivered" | "WebhookFailed") =>
    waitFor(
      async () =>
        (await eventsOf(id)).find((e): e is AnyDomainEvent & { type: typeof type } => e.type === type),
      {
        what: type,
      },
    );

  it("POSTs request.completed signed per Standard Webhooks, and records WebhookDelivered", async () => {
    await run();
    const { id, last } = await request("notified");
    const delivered = (await outcome(id, "WebhookDelivered")) as DomainEvent<"WebhookDelivered">;
    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    // the receiver's side: the official package verifies id, timestamp and signature
    const message = new Webhook(SECRET).verify(
      hook!.body,
      hook!.headers as Record<string, string>,
    ) as WebhookMessage;
    expect(hook!.headers["webhook-id"]).toBe(`msg_${last.id}`);
    expect(hook!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(message).toMatchObject({
      type: "request.completed",
      timestamp: last.occurredAt,
      data: {
        id,
        status: "notified",
        caption: expect.any(String),
        captionModel: "test-model",
        generationModel: "test-model",
        generatedImageUrl: `https://reimagine.example.com/api/v1/request/${id}/image`,
        pageUrl: `https://reimagine.example.com/r/${id}`,
        error: null,
      },
    });
    expect(hook!.body).not.toContain("person@example.com");
    expect(hook!.body).not.toContain(receiver.url);
    // the URL was sealed with the address: neither is anywhere in the stream's bytes
    const raw = await rawStreamText(t.store);
    expect(raw).toContain(id);
    expect(raw).not.toContain(receiver.url);
    expect(raw).not.toContain("person@example.com");
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(
        hook!.body,
        hook!.headers as Record<string, string>,
      ),
    ).toThrow();
    expect(delivered.data).toEqual({
      webhookId: `msg_${last.id}`,
      webhookType: "request.completed",
      attempts: 1,
      httpStatus: 200,
    });
    expect(delivered.metadata.causationId).toBe(last.id);
  });

  it("retries a failing receiver with the same webhook-id and body until it answers 2xx", async () => {
    receiver.answerNext({ status: 500 }, { status: 503, headers: { "retry-after": "0" } });
    await run();
    const { id } = await request("failed");
    const delivered = (await outcome(id, "WebhookDelivered")) as DomainEvent<"WebhookDelivered">;
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    for (const r of receiver.received)
      new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      type: "request.failed",
      data: {
        status: "failed",
        error: {
          stage: "generation",
          category: "model-unavailable",
          message: FAILURE_SENTENCES["model-unavailable"],
        },
      },
    });
    expect(delivered.data).toMatchObject({ webhookType: "request.failed", attempts: 3, httpStatus: 200 });
  });

  it("records WebhookFailed and dead-letters after the attempt cap; a requeue delivers with the same id", async () => {
    receiver.otherwise = { status: 500 };
    await run();
    const { id, last } = await request("notified");
    const failed = (await outcome(id, "WebhookFailed")) as DomainEvent<"WebhookFailed">;
    expect(failed.data).toEqual({
      webhookId: `msg_${last.id}`,
      webhookType: "request.completed",
      attempts: MAX_ATTEMPTS,
      httpStatus: 500,
      reason: "the receiver answered HTTP 500",
    });
    const [letter] = await waitForDeadLetters(t.store, 1);
    expect(letter).toMatchObject({ consumer: "webhooks", requestId: id, eventType: "UserNotified" });
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);

    receiver.otherwise = { status: 204 };
    await requeueDeadLetter(t.store, letter!.id);
    await outcome(id, "WebhookDelivered");
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS + 1);
    expect(receiver.received.at(-1)!.headers["webhook-id"]).toBe(`msg_${last.id}`);
  });

  it("refuses a private target when delivering (no connection, no retry, no dead letter)", async () => {
    await run(testConfig({ WEBHOOK_ALLOW_PRIVATE: false }));
    const { id } = await request("notified");
    const failed = (await outcome(id, "WebhookFailed")) as DomainEvent<"WebhookFailed">;
    expect(failed.data).toMatchObject({ attempts: 1, httpStatus: null });
    // why, without the host: the target is the submitter's personal data
    expect(failed.data.reason).toBe(
      "the webhook host is a loopback, private, link-local or otherwise non-public address",
    );
    expect(receiver.received).toHaveLength(0);
    expect(await listDeadLetters(t.store)).toEqual([]);
  });

  it("announces a cancel, and sends nothing for a request without a webhookUrl", async () => {
    await run();
    const quiet = await request("notified", null);
    const { id } = await request("captioned");
    const cancel = await t.store.append(
      id,
      [
        {
          ...requestFlow("captioned", id)[0]!,
          id: newRequestId(),
          type: "CancelRequested",
          schemaVersion: 1,
          data: { previousStatus: "captioned" },
        } as AnyDomainEvent,
      ],
      "any",
    );
    expect(cancel.duplicate).toBe(false);
    await outcome(id, "WebhookDelivered");
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(["request.cancelled"]);
    expect((await eventsOf(quiet.id)).map((e) => e.type).at(-1)).toBe("UserNotified");
  });

  it("checks a request without a webhook by its first event alone; one with a webhook is still delivered", async () => {
    const { store, reads } = countingReads(t.store);
    const handler = handlerOn(store);
    const quiet = await request("notified", null);
    await handler.handle(quiet.trigger, ctx);
    expect(reads).toEqual({ firstEvent: 1, history: 0 });

    const hooked = await request("failed");
    await handler.handle(hooked.trigger, ctx);
    expect(reads).toEqual({ firstEvent: 2, history: 1 });
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([`msg_${hooked.last.id}`]);
    expect((await eventsOf(hooked.id)).at(-1)?.type).toBe("WebhookDelivered");
    expect((await eventsOf(quiet.id)).at(-1)?.type).toBe("UserNotified");
  });

  it("takes a first-event read that finds nothing (a replica behind) for no answer: the full read decides", async () => {
    const { store, reads } = countingReads(t.store, { lagging: true });
    const { id, last, trigger } = await request("notified");
    await handlerOn(store).handle(trigger, ctx);
    expect(reads).toEqual({ firstEvent: 1, history: 1 });
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([`msg_${last.id}`]);
    expect((await eventsOf(id)).at(-1)?.type).toBe("WebhookDelivered");
  });

  it("still delivers to a URL that an event written before it was sealed holds in clear text", async () => {
    await run();
    const { id, last } = await request("notified", receiver.url, { clear: true });
    const delivered = (await outcome(id, "WebhookDelivered")) as DomainEvent<"WebhookDelivered">;
    expect(delivered.data).toMatchObject({ webhookId: `msg_${last.id}`, httpStatus: 200 });
    expect(receiver.received).toHaveLength(1);
    new Webhook(SECRET).verify(
      receiver.received[0]!.body,
      receiver.received[0]!.headers as Record<string, string>,
    );
  });

  it("delivers nothing once the person is forgotten: WebhookFailed says why, once, and nothing shows the URL", async () => {
    // one request sealed as today, one whose older event holds its URL in clear text
    const sealed = await request("notified");
    const clear = await request("failed", `${receiver.url}?token=old-clear-url`, { clear: true });
    for (const { id } of [sealed, clear]) expect((await forget(id)).eventId).not.toBeNull();
    await run();

    for (const { id, last } of [sealed, clear]) {
      const failed = (await outcome(id, "WebhookFailed")) as DomainEvent<"WebhookFailed">;
      expect(failed.data).toEqual({
        webhookId: `msg_${last.id}`,
        webhookType: id === sealed.id ? "request.completed" : "request.failed",
        attempts: 1,
        httpStatus: null,
        reason: "the person's data was erased",
      });
    }
    await waitFor(drained, { what: "the webhook reactor to see the whole log" });
    expect(receiver.received).toHaveLength(0);
    for (const { id } of [sealed, clear]) {
      expect((await eventsOf(id)).filter((e) => e.type === "WebhookFailed")).toHaveLength(1);
      expect(await everythingShown(id)).not.toContain(receiver.url);
    }
    expect(await listDeadLetters(t.store)).toEqual([]);
  });

  it("sends no retry after a forget that came between two attempts", async () => {
    const id = newRequestId();
    receiver.otherwise = { status: 500 };
    // the first attempt reaches the receiver; the person is forgotten before it answers 500
    receiver.beforeAnswer = () => forget(id);
    await run();
    await request("notified", receiver.url, { id });
    const failed = (await outcome(id, "WebhookFailed")) as DomainEvent<"WebhookFailed">;
    expect(failed.data).toMatchObject({
      attempts: 2,
      httpStatus: null,
      reason: "the person's data was erased",
    });
    await waitFor(drained, { what: "the webhook reactor to see the whole log" });
    expect(receiver.received).toHaveLength(1);
    expect(await listDeadLetters(t.store)).toEqual([]);
    expect(await everythingShown(id)).not.toContain(receiver.url);
  });

  it("records WebhookFailed at once when the notifier has no WEBHOOK_SECRET", async () => {
    await run(testConfig({ WEBHOOK_SECRET: "" }));
    const { id } = await request("notified");
    const failed = (await outcome(id, "WebhookFailed")) as DomainEvent<"WebhookFailed">;
    expect(failed.data).toMatchObject({
      attempts: 1,
      reason: expect.stringMatching(/WEBHOOK_SECRET is not set/),
    });
    expect(receiver.received).toHaveLength(0);
  });
});
