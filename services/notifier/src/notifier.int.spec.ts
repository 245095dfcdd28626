import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kvm } from "@nats-io/kv";
import type { AnyDomainEvent, DomainEvent } from "@reimagine/contracts";
import { connectNats, JetStreamEventStore } from "@reimagine/eventstore";
import { requestRetry } from "@reimagine/operations";
import { type Config, loadConfig, silentLogger } from "@reimagine/platform";
import { type EventHandler, HandlerRuntime, runtimeOptionsFrom } from "@reimagine/reactor";
import {
  closedPort,
  imageGenerated,
  openTestStore,
  type SmtpSink,
  type SmtpSinkOptions,
  startSmtpSink,
  type TestStore,
  testNatsUrl,
  waitFor,
} from "@reimagine/testing";
import { keyBucketName, openVault, type Vault } from "@reimagine/vault";
import { simpleParser } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimBucketName, claimKey, openClaimStore } from "./claims";
import { createMailTransport, type MailTransport } from "./mail";
import { createNotifier, startNotifier } from "./start-notifier";

import {
  failedRequest,
  generatedRequest,
  RETRIED_AFTER_FAILURE,
  TOLD_RETRIED_AND_NOTIFIED,
  typesOf,
} from "./testing/generated-request";
import { leftClaim, legacySentClaimJson, testMessageId } from "./testing/left-claim";

const MAIL_FROM = "reimagine <no-reply@mail.reimagine.test>";
const BASE_URL = "https://reimagine.example.com";
const MAX_ATTEMPTS = 3;
const ACK_WAIT_MS = 2000;

/** Small backoff so retries take milliseconds; the lease (= ack wait) stays realistic. */
function testConfig(overrides: Record<string, string | number> = {}): Config {
  return loadConfig(
    {
      MAIL_FROM,
      PUBLIC_BASE_URL: BASE_URL,
      HANDLER_CONCURRENCY: 4,
      HANDLER_MAX_ATTEMPTS: MAX_ATTEMPTS,
      HANDLER_ACK_WAIT_MS: ACK_WAIT_MS,
      HANDLER_BACKOFF_BASE_MS: 20,
      HANDLER_BACKOFF_MAX_MS: 100,
      SHUTDOWN_GRACE_MS: 2000,
      ...overrides,
    },
    {},
  );
}

describe("notifier (real NATS JetStream, real SMTP sink)", () => {
  let t: TestStore;
  /** The key bucket the notifier itself opens: requests are sealed there as the API seals them. */
  let vault: Vault;
  const cleanups: Array<() => Promise<unknown> | unknown> = [];

  beforeEach(async () => {
    t = await openTestStore();
    vault = await openVault(t.store, { replicas: 1 });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
    const kvm = new Kvm(t.store.js);
    for (const bucket of [claimBucketName(t.layout.stream), keyBucketName(t.layout.stream)]) {
      await (await kvm.open(bucket)).destroy().catch(() => undefined);
    }
    await t.cleanup();
  });

  const sinkWith = async (options?: SmtpSinkOptions) => {
    const sink = await startSmtpSink(options);
    cleanups.push(() => sink.stop());
    return sink;
  };
  const transportFor = (config: Config) => {
    const transport = createMailTransport(config, silentLogger);
    cleanups.push(() => transport.close());
    return transport;
  };
  const smtpNotifierConfig = (sink: SmtpSink) => testConfig({ SMTP_URL: sink.url });

  /** Runs a notifier instance (both its reactors); `wrap` lets a test change the handlers (another consumer name, a lost ack). */
  async function runNotifier(
    config: Config,
    transport: MailTransport,
    options: {
      store?: JetStreamEventStore;
      wrap?: (h: EventHandler) => EventHandler;
      now?: () => number;
    } = {},
  ): Promise<{ stop(): Promise<void> }> {
    const store = options.store ?? t.store;
    const handlers = await createNotifier({
      store,
      transport,
      config,
      logger: silentLogger,
      now: options.now,
    });
    const runtimes = [handlers.notification, handlers.failureNotice].map(
      (handler) =>
        new HandlerRuntime(
          store,
          options.wrap?.(handler) ?? handler,
          runtimeOptionsFrom(config, silentLogger),
        ),
    );
    for (const runtime of runtimes) {
      await runtime.start();
      cleanups.push(() => runtime.stop());
    }
    return { stop: async () => void (await Promise.all(runtimes.map((r) => r.stop()))) };
  }

  /** The same streams through a second NATS connection: what another notifier process would have. */
  async function secondStore(): Promise<JetStreamEventStore> {
    const nc = await connectNats(testNatsUrl(), "notifier-b");
    cleanups.push(() => nc.close());
    return JetStreamEventStore.open(nc, t.layout, { replicas: 1, duplicateWindowMs: 60_000 });
  }

  /** The first UserNotified or NotificationFailed of a request, once there is one. */
  const outcome = (id: string) =>
    waitFor(
      async () =>
        (await t.store.readRequest(id)).events
          .map((s) => s.event)
          .find((e) => e.type === "UserNotified" || e.type === "NotificationFailed"),
      { what: `the notification outcome of ${id}` },
    );

  /** True once a consumer has seen the whole log and acknowledged everything it was given. */
  const drained = async (consumer: string) => {
    const [info, head] = await Promise.all([
      t.store.jsm.consumers.info(t.layout.stream, consumer),
      t.store.headPosition(),
    ]);
    return info.delivered.stream_seq >= head && info.num_pending === 0 && info.num_ack_pending === 0;
  };

  const notified = (events: AnyDomainEvent[]) => events.filter((e) => e.type === "UserNotified");

  it("emails the caption and a link to the image, and records UserNotified with the domain only", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    const notifier = await startNotifier({
      store: t.store,
      transport: transportFor(config),
      config,
      logger: silentLogger,
    });
    cleanups.push(() => notifier.stop());
    const { id, generated } = await generatedRequest(t.store, {
      vault,
      email: "nina@example.com",
      caption: "a red fox in the snow",
    });

    const event = (await outcome(id)) as DomainEvent<"UserNotified">;
    const messageId = testMessageId(id);
    expect(event.type).toBe("UserNotified");
    expect(event.data).toEqual({ messageId, recipientDomain: "example.com" });
    expect(JSON.stringify(event)).not.toContain("nina");
    expect(event.metadata).toMatchObject({
      causationId: generated.event.id,
      correlationId: generated.event.metadata.correlationId,
    });

    expect(sink.messages).toHaveLength(1);
    const [message] = sink.messages;
    const parsed = message!.parsed;
    const imageUrl = `${BASE_URL}/api/v1/request/${id}/image`;
    expect(message!.envelope).toEqual({ from: "no-reply@mail.reimagine.test", to: ["nina@example.com"] });
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.subject).toBe("Your reimagined image is ready: a red fox in the snow");
    expect(parsed.text).toContain(imageUrl);
    expect(parsed.text).toContain("a red fox in the snow");
    expect(parsed.text).toContain(`${BASE_URL}/r/${id}\n`);
    expect(parsed.html).toContain(`href="${imageUrl}"`);
    expect(parsed.html).toContain("a red fox in the snow");
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(parsed.headers.get("x-reimagine-request-id")).toBe(id);
  });

  it("a redelivered ImageGenerated (its ack was lost) sends nothing more", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    let deliveries = 0;
    let redelivered!: () => void;
    const secondDelivery = new Promise<void>((resolve) => {
      redelivered = resolve;
    });
    await runNotifier(config, transportFor(config), {
      wrap: (h) => ({
        ...h,
        async handle(stored, ctx) {
          if (stored.event.type !== "ImageGenerated") return h.handle(stored, ctx);
          deliveries += 1;
          await h.handle(stored, ctx);
          // the work is done, but the ack never reaches the server: NATS delivers the event again
          if (deliveries === 1) throw new Error("ack lost");
          redelivered();
        },
      }),
    });
    const { id } = await generatedRequest(t.store, { vault });

    await secondDelivery;
    expect(deliveries).toBe(2);
    expect(sink.messages).toHaveLength(1);
    expect(notified((await t.store.readRequest(id)).events.map((s) => s.event))).toHaveLength(1);
  });

  it("two notifier instances sharing the consumer send exactly 20 emails for 20 requests", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    const storeB = await secondStore();
    await runNotifier(config, transportFor(config));
    await runNotifier(config, transportFor(config), { store: storeB });

    const ids = await Promise.all(
      Array.from({ length: 20 }, async () => (await generatedRequest(t.store, { vault })).id),
    );
    for (const id of ids) expect((await outcome(id)).type).toBe("UserNotified");
    await waitFor(() => drained("notifier"), { what: "the notifier consumer to drain" });

    expect(sink.messages).toHaveLength(20);
    expect(new Set(sink.messages.map((m) => m.parsed.messageId)).size).toBe(20);
    for (const id of ids) {
      expect(notified((await t.store.readRequest(id)).events.map((s) => s.event))).toHaveLength(1);
    }
  });

  it("two instances that each receive every event (separate consumers) still send each email once", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    const storeB = await secondStore();
    await runNotifier(config, transportFor(config));
    await runNotifier(config, transportFor(config), {
      store: storeB,
      wrap: (h) => ({ ...h, name: `${h.name}_b` }),
    });

    const ids = await Promise.all(
      Array.from({ length: 20 }, async () => (await generatedRequest(t.store, { vault })).id),
    );
    for (const id of ids) expect((await outcome(id)).type).toBe("UserNotified");
    // the instance that lost a claim race retries after the winner's lease: wait for both to finish
    await waitFor(async () => (await drained("notifier")) && (await drained("notifier_b")), {
      what: "both consumers to drain",
    });

    expect(sink.messages).toHaveLength(20);
    for (const id of ids) {
      expect(notified((await t.store.readRequest(id)).events.map((s) => s.event))).toHaveLength(1);
    }
  });

  /** Five requests notified by an instance that then stops; the log's head afterwards. */
  async function fiveNotified(config: Config): Promise<number> {
    const first = await runNotifier(config, transportFor(config));
    const ids = await Promise.all(
      Array.from({ length: 5 }, async () => (await generatedRequest(t.store, { vault })).id),
    );
    for (const id of ids) await outcome(id);
    await first.stop();
    return t.store.headPosition();
  }

  it("a replay (a fresh consumer from the start of the log) sends nothing", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    const head = await fiveNotified(config);

    await t.store.jsm.consumers.delete(t.layout.stream, "notifier");
    await runNotifier(config, transportFor(config));
    await waitFor(() => drained("notifier"), { what: "the replay to finish" });

    expect(sink.messages).toHaveLength(5);
    expect(await t.store.headPosition()).toBe(head);
  });

  it("a replay after the claims have expired sends nothing: the log's UserNotified is what stops it", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    const head = await fiveNotified(config);

    // every claim gone, as after CLAIM_TTL_MS: only the log remembers what was sent
    const kvm = new Kvm(t.store.js);
    await (await kvm.open(claimBucketName(t.layout.stream))).destroy();
    await t.store.jsm.consumers.delete(t.layout.stream, "notifier");
    await runNotifier(config, transportFor(config));
    await waitFor(() => drained("notifier"), { what: "the replay to finish" });

    expect(sink.attempts).toBe(5);
    expect(sink.messages).toHaveLength(5);
    expect(await t.store.headPosition()).toBe(head);
  });

  it("after a crash between the send and the append (claim sent, no event), appends UserNotified without a second email", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    const { id } = await generatedRequest(t.store, { vault });
    const messageId = testMessageId(id);
    // written by a release before the lease protocol: the upgrade keeps its promise
    await openClaimStore(t.store, { replicas: 1 });
    const kv = await new Kvm(t.store.js).open(claimBucketName(t.layout.stream));
    await kv.create(claimKey(id, 0), legacySentClaimJson(id));

    await runNotifier(config, transportFor(config));

    expect((await outcome(id)).data).toEqual({ messageId, recipientDomain: "example.com" });
    expect(sink.attempts).toBe(0);
  });

  it("after a crash mid-send (claim sending, its owner silent a whole lease), resends once with the same Message-ID", async () => {
    const sink = await sinkWith();
    const config = smtpNotifierConfig(sink);
    const { id } = await generatedRequest(t.store, { vault });
    const messageId = testMessageId(id);
    const claims = await openClaimStore(t.store, { replicas: 1 });
    await claims.create(claimKey(id, 0), leftClaim("held", id));

    // this instance's clock is a whole lease ahead, so the dead owner's claim is already stale
    await runNotifier(config, transportFor(config), { now: () => Date.now() + 2 * ACK_WAIT_MS });

    expect((await outcome(id)).type).toBe("UserNotified");
    expect(sink.messages.map((m) => m.parsed.messageId)).toEqual([messageId]);
    expect((await claims.get(claimKey(id, 0)))?.value).toMatchObject({ state: "done" });
  });

  it("451 then success: the runtime retries and one email goes out", async () => {
    const sink = await sinkWith({
      failNext: { count: 1, code: 451, message: "4.7.1 Greylisted, try again" },
    });
    const config = smtpNotifierConfig(sink);
    await runNotifier(config, transportFor(config));
    const { id } = await generatedRequest(t.store, { vault });

    expect((await outcome(id)).type).toBe("UserNotified");
    expect(sink.attempts).toBe(2);
    expect(sink.messages).toHaveLength(1);
  });

  it("550 for the recipient: NotificationFailed with smtpCode 550, and no retry", async () => {
    const sink = await sinkWith({
      rejectRecipients: (address) =>
        address === "gone@example.com" ? { code: 550, message: "5.1.1 No such user" } : null,
    });
    const config = smtpNotifierConfig(sink);
    await runNotifier(config, transportFor(config));
    const { id } = await generatedRequest(t.store, { vault, email: "gone@example.com" });

    const failed = (await outcome(id)) as DomainEvent<"NotificationFailed">;
    expect(failed.type).toBe("NotificationFailed");
    expect(failed.data).toEqual({
      reason: "SMTP 550 on RCPT TO: 550 5.1.1 No such user",
      attempts: 1,
      smtpCode: 550,
      category: "email-undeliverable",
    });
    await waitFor(() => drained("notifier"), { what: "the notifier consumer to drain" });
    expect(sink.attempts).toBe(1);
  });

  it("connection refused: retried until attempts run out, then NotificationFailed", async () => {
    const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` });
    await runNotifier(config, transportFor(config));
    const { id } = await generatedRequest(t.store, { vault });

    const failed = (await outcome(id)) as DomainEvent<"NotificationFailed">;
    expect(failed.type).toBe("NotificationFailed");
    expect(failed.data).toMatchObject({ attempts: MAX_ATTEMPTS, smtpCode: null });
    expect(failed.data.reason).toContain("ECONNREFUSED");
  });

  it("an operator's RetryRequested after a failure sends again, under a new claim", async () => {
    const sink = await sinkWith({ failNext: { count: 1, code: 552, message: "5.2.2 Mailbox full" } });
    const config = smtpNotifierConfig(sink);
    await runNotifier(config, transportFor(config));
    const { id } = await generatedRequest(t.store, { vault });
    expect((await outcome(id)).type).toBe("NotificationFailed");

    await requestRetry(t.store, id, { requestedBy: "operator@example.com" });
    await waitFor(async () => (await typesOf(t.store, id)).at(-1) === "UserNotified", {
      what: "UserNotified after the retry",
    });

    expect(sink.messages).toHaveLength(1);
    const claims = await openClaimStore(t.store, { replicas: 1 });
    expect((await claims.get(claimKey(id, 0)))?.value).toMatchObject({
      state: "failed",
      reason: expect.stringContaining("552"),
    });
    expect((await claims.get(claimKey(id, 1)))?.value).toMatchObject({ state: "done" });
    expect(await typesOf(t.store, id)).toEqual(RETRIED_AFTER_FAILURE);
  });

  it("without SMTP_URL writes exactly one .eml to DATA_DIR/outbox and records UserNotified", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "reimagine-notifier-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = testConfig({ DATA_DIR: dataDir });
    const transport = transportFor(config);
    expect(transport.kind).toBe("outbox");
    await runNotifier(config, transport);
    const { id } = await generatedRequest(t.store, { vault });

    const event = (await outcome(id)) as DomainEvent<"UserNotified">;
    expect(event.data.recipientDomain).toBe("example.com");
    const files = await readdir(join(dataDir, "outbox"));
    expect(files).toEqual([`${id}.notification@mail.reimagine.test.eml`]);
    const parsed = await simpleParser(await readFile(join(dataDir, "outbox", files[0]!)));
    expect(parsed.messageId).toBe(event.data.messageId);
    expect(parsed.html).toContain(`href="${BASE_URL}/api/v1/request/${id}/image"`);
  });

  describe("the failure email", () => {
    const told = (events: AnyDomainEvent[]) => events.filter((e) => e.type === "FailureNotified");
    const eventsOf = async (id: string) => (await t.store.readRequest(id)).events.map((s) => s.event);
    /** Half caption failures, half generation failures. */
    const failedRequests = (n: number) =>
      Promise.all(
        Array.from(
          { length: n },
          async (_, i) =>
            (await failedRequest(t.store, { vault, stage: i % 2 === 0 ? "caption" : "generation" })).id,
        ),
      );
    /** Loses the ack of the first delivery of every failure: NATS delivers it again, maybe to the other instance. */
    const losingFirstAcks = (seen: Set<string>) => (h: EventHandler) => ({
      ...h,
      async handle(
        stored: Parameters<EventHandler["handle"]>[0],
        ctx: Parameters<EventHandler["handle"]>[1],
      ) {
        await h.handle(stored, ctx);
        if (h.handles.includes(stored.event.type) && !seen.has(stored.event.id)) {
          seen.add(stored.event.id);
          throw new Error("ack lost");
        }
      },
    });

    it("goes out exactly once per failed request under redelivery and with two instances sharing the consumers", async () => {
      const sink = await sinkWith();
      const config = smtpNotifierConfig(sink);
      const seen = new Set<string>();
      await runNotifier(config, transportFor(config), { wrap: losingFirstAcks(seen) });
      await runNotifier(config, transportFor(config), {
        store: await secondStore(),
        wrap: losingFirstAcks(seen),
      });

      const ids = await failedRequests(10);
      for (const id of ids) {
        await waitFor(async () => told(await eventsOf(id)).length > 0, { what: `FailureNotified for ${id}` });
      }
      await waitFor(() => drained("failure_notifier"), { what: "the failure consumer to drain" });

      expect(seen.size).toBe(10);
      expect(sink.messages).toHaveLength(10);
      expect(new Set(sink.messages.map((m) => m.parsed.messageId)).size).toBe(10);
      for (const message of sink.messages) {
        expect(message.parsed.subject).toBe("We could not reimagine your photo");
        expect(message.parsed.text).toContain("this is the last email about it");
      }
      for (const id of ids) expect(told(await eventsOf(id))).toHaveLength(1);
    });

    it("goes out once when two instances each receive every failure (separate consumers)", async () => {
      const sink = await sinkWith();
      const config = smtpNotifierConfig(sink);
      await runNotifier(config, transportFor(config));
      await runNotifier(config, transportFor(config), {
        store: await secondStore(),
        wrap: (h) => ({ ...h, name: `${h.name}_b` }),
      });

      const ids = await failedRequests(10);
      await waitFor(
        async () => (await drained("failure_notifier")) && (await drained("failure_notifier_b")),
        {
          what: "both failure consumers to drain",
        },
      );

      expect(sink.messages).toHaveLength(10);
      for (const id of ids) expect(told(await eventsOf(id))).toHaveLength(1);
    });

    it("a request told of its failure, retried by an operator and then generated, still gets its ready email", async () => {
      const sink = await sinkWith();
      const config = smtpNotifierConfig(sink);
      await runNotifier(config, transportFor(config));
      const { id } = await failedRequest(t.store, { vault, stage: "generation" });
      await sink.waitFor(1);

      const retry = await requestRetry(t.store, id, { requestedBy: "operator@example.com" });
      const history = await t.store.readRequest(id);
      await t.store.append(
        id,
        [imageGenerated(retry, { imageKey: `${id}/generated-1.png` })],
        history.version,
      );
      await waitFor(async () => (await typesOf(t.store, id)).at(-1) === "UserNotified", {
        what: "UserNotified after the retry",
      });

      expect(sink.messages.map((m) => m.parsed.subject)).toEqual([
        "We could not reimagine your photo",
        `Your reimagined image is ready: caption of ${id.slice(-4)}`,
      ]);
      expect(await typesOf(t.store, id)).toEqual(TOLD_RETRIED_AND_NOTIFIED);
    });
  });
});
