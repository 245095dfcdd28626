import type { DomainEvent } from "@reimagine/contracts";
import { causedBy, newEvent } from "@reimagine/contracts";
import { InMemoryEventStore, type StoredEvent } from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import { type EventHandler, isRetryable } from "@reimagine/reactor";
import { fixtureVault } from "@reimagine/testing";
import { describe, expect, it, vi } from "vitest";
import { ClaimHeldError, claimKey, createInMemoryClaimStore } from "./claims";
import { ExactlyOnceMailer } from "./exactly-once-mailer";
import { MailSendError } from "./mail";
import { notificationFailure } from "./mail-step";
import { createNotifierHandler } from "./notifier-handler";
import { fakeTransport } from "./testing/fake-transport";
import {
  generatedRequest,
  handlerContext,
  RETRIED_AFTER_FAILURE,
  typesOf,
} from "./testing/generated-request";
import { leftClaim, testMessageId } from "./testing/left-claim";

const LEASE = 30_000;
const MAIL = {
  from: "reimagine <no-reply@mail.reimagine.test>",
  publicBaseUrl: "https://reimagine.example.com",
};
const ctx = (attempt = 1) => handlerContext({ logger: silentLogger, attempt });

function setup(options: { owner?: string; clock?: { now: number } } = {}) {
  const store = new InMemoryEventStore();
  const clock = options.clock ?? { now: Date.now() };
  const claims = createInMemoryClaimStore(() => clock.now);
  const mail = fakeTransport();
  const mailer = new ExactlyOnceMailer({
    claims,
    transport: mail.transport,
    leaseMs: LEASE,
    owner: options.owner ?? "instance-a",
    now: () => clock.now,
  });
  const handler = createNotifierHandler({ store, vault: fixtureVault, mailer, mail: MAIL });
  return { store, claims, clock, mail, mailer, handler };
}

/** Delivers `trigger` once, expecting it to fail; the error. */
const failingDelivery = (handler: EventHandler, trigger: StoredEvent) =>
  handler.handle(trigger, ctx()).then(
    () => expect.unreachable("the delivery should have failed"),
    (e: unknown) => e,
  );

const lastEvent = async (store: InMemoryEventStore, id: string) =>
  (await store.readRequest(id)).events.at(-1)!.event;

const claimOf = (claims: ReturnType<typeof createInMemoryClaimStore>, id: string, retries = 0) =>
  claims.peek(claimKey(id, retries))?.value;

describe("notifier handler (in memory)", () => {
  it("sends one email and appends UserNotified with the domain only, caused by the trigger", async () => {
    const { store, claims, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);

    await handler.handle(generated, ctx());

    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0]).toMatchObject({
      to: "nina@example.com",
      messageId: testMessageId(id),
      headers: { "Auto-Submitted": "auto-generated", "X-Reimagine-Request-Id": id },
    });
    const notified = (await lastEvent(store, id)) as DomainEvent<"UserNotified">;
    expect(notified.type).toBe("UserNotified");
    expect(notified.data).toEqual({
      messageId: testMessageId(id),
      recipientDomain: "example.com",
    });
    expect(notified.metadata).toMatchObject({
      causationId: generated.event.id,
      correlationId: generated.event.metadata.correlationId,
    });
    expect(claimOf(claims, id)).toMatchObject({
      state: "done",
      data: { messageId: notified.data.messageId },
    });

    // the same event again (a redelivery): nothing is due, nothing is sent or appended
    await handler.handle(generated, ctx(2));
    expect(mail.sent).toHaveLength(1);
    expect(await typesOf(store, id)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
      "ImageGenerated",
      "UserNotified",
    ]);
  });

  it("of two deliveries at once in one process, one sends and the other is told to come back", async () => {
    const { store, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);

    const results = await Promise.allSettled([
      handler.handle(generated, ctx()),
      handler.handle(generated, ctx()),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ClaimHeldError);
    expect(isRetryable(rejected.reason)).toBe(true);
    await handler.handle(generated, ctx(2));
    expect(mail.sent).toHaveLength(1);
    expect((await typesOf(store, id)).filter((t) => t === "UserNotified")).toHaveLength(1);
  });

  it("two instances sharing the claims send once between them", async () => {
    const a = setup({ owner: "instance-a" });
    const mailerB = new ExactlyOnceMailer({
      claims: a.claims,
      transport: a.mail.transport,
      leaseMs: LEASE,
      owner: "instance-b",
    });
    const handlerB = createNotifierHandler({
      store: a.store,
      vault: fixtureVault,
      mailer: mailerB,
      mail: MAIL,
    });
    const { id, generated } = await generatedRequest(a.store);

    const results = await Promise.allSettled([
      a.handler.handle(generated, ctx()),
      handlerB.handle(generated, ctx()),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    // the loser's retry finds the email sent (and recorded)
    await Promise.all([a.handler.handle(generated, ctx(2)), handlerB.handle(generated, ctx(2))]);
    expect(a.mail.sent).toHaveLength(1);
    expect((await typesOf(a.store, id)).filter((t) => t === "UserNotified")).toHaveLength(1);
  });

  it("after a crash between the send and the record (claim sent, no event), records without sending", async () => {
    const { store, claims, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    const messageId = testMessageId(id);
    await claims.create(claimKey(id, 0), leftClaim("done", id));

    await handler.handle(generated, ctx(2));

    expect(mail.sent).toHaveLength(0);
    expect((await lastEvent(store, id)).data).toEqual({ messageId, recipientDomain: "example.com" });
  });

  it("waits for a live sender, and takes over (same Message-ID) once it has been silent a whole lease", async () => {
    const { store, claims, clock, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    const foreign = leftClaim("held", id, "other-instance", new Date(clock.now));
    await claims.create(claimKey(id, 0), foreign);

    clock.now += 10_000;
    const held = await failingDelivery(handler, generated);
    expect(held).toBeInstanceOf(ClaimHeldError);
    expect((held as ClaimHeldError).retryAfterMs).toBe(LEASE - 10_000 + 250);
    expect(mail.sent).toHaveLength(0);

    clock.now += LEASE;
    await handler.handle(generated, ctx(2));
    expect(mail.sent.map((m) => m.messageId)).toEqual([foreign.data.messageId]);
    expect(claimOf(claims, id)).toMatchObject({ state: "done", owner: "instance-a" });
    expect((await lastEvent(store, id)).type).toBe("UserNotified");
  });

  it("a send that succeeded is never repeated by this process, even when claims and log both fail", async () => {
    const { store, claims, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    const update = claims.update.bind(claims);
    const append = store.append.bind(store);
    // the claim store and the log both go away right after the send
    claims.update = async () => {
      throw new Error("claims unreachable");
    };
    store.append = async () => {
      throw new Error("log unreachable");
    };
    await expect(handler.handle(generated, ctx())).rejects.toThrow("log unreachable");
    expect(mail.sent).toHaveLength(1);
    expect(claimOf(claims, id)?.state).toBe("held");

    claims.update = update;
    store.append = append;
    await handler.handle(generated, ctx(2));
    expect(mail.sent).toHaveLength(1);
    expect((await lastEvent(store, id)).type).toBe("UserNotified");
  });

  it("a transient failure releases the claim, so the retry sends at once", async () => {
    const { store, claims, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    mail.fail(new MailSendError({ transient: true, smtpCode: 451, reason: "SMTP 451: greylisted" }));

    const err = await failingDelivery(handler, generated);
    expect(isRetryable(err)).toBe(true);
    expect(claimOf(claims, id)).toMatchObject({ state: "failed", reason: expect.stringContaining("451") });

    await handler.handle(generated, ctx(2));
    expect(mail.sent).toHaveLength(1);
    expect((await lastEvent(store, id)).type).toBe("UserNotified");
  });

  it("a permanent failure is not retryable, and onExhausted records NotificationFailed", async () => {
    const { store, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    mail.fail(
      new MailSendError({ transient: false, smtpCode: 550, reason: "SMTP 550 on RCPT TO: no such user" }),
    );

    const err = await failingDelivery(handler, generated);
    expect(isRetryable(err)).toBe(false);
    await handler.onExhausted!(generated, err, ctx());

    expect((await lastEvent(store, id)).data).toEqual({
      reason: "SMTP 550 on RCPT TO: no such user",
      attempts: 1,
      smtpCode: 550,
      category: "email-undeliverable",
    });
    // a late duplicate of the exhaustion records nothing more
    await handler.onExhausted!(generated, err, ctx());
    expect((await typesOf(store, id)).filter((t) => t === "NotificationFailed")).toHaveLength(1);
  });

  it("an exhausted delivery whose email did go out records UserNotified, not a failure", async () => {
    const { store, claims, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    await claims.create(claimKey(id, 0), leftClaim("done", id, "other-instance"));

    await handler.onExhausted!(generated, new Error("append kept failing"), ctx(3));
    expect((await lastEvent(store, id)).type).toBe("UserNotified");
  });

  it("an exhausted delivery does not record a failure over a live sender: it is dead-lettered", async () => {
    const { store, claims, clock, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    await claims.create(claimKey(id, 0), leftClaim("held", id, "other-instance", new Date(clock.now)));

    await expect(handler.onExhausted!(generated, new Error("held"), ctx(3))).rejects.toBeInstanceOf(
      ClaimHeldError,
    );
    expect((await lastEvent(store, id)).type).toBe("ImageGenerated");
  });

  it("a RetryRequested after NotificationFailed uses a new claim and sends again", async () => {
    const { store, claims, mail, handler } = setup();
    const { id, generated } = await generatedRequest(store);
    mail.fail(new MailSendError({ transient: false, smtpCode: 550, reason: "SMTP 550: no" }));
    const err = await failingDelivery(handler, generated);
    await handler.onExhausted!(generated, err, ctx());

    const history = await store.readRequest(id);
    const retry = newEvent(
      "RetryRequested",
      id,
      { stage: "notification", requestedBy: "operator" },
      causedBy(history.events.at(-1)!.event),
    );
    const { positions } = await store.append(id, [retry], history.version);
    const stored: StoredEvent = { event: retry, position: positions[0]! };
    await handler.handle(stored, ctx());
    // the original ImageGenerated, redelivered late, belongs to the failed run: it does nothing
    await handler.handle(generated, ctx(4));

    expect(mail.sent).toHaveLength(1);
    expect(claimOf(claims, id, 0)?.state).toBe("failed");
    expect(claimOf(claims, id, 1)?.state).toBe("done");
    expect(await typesOf(store, id)).toEqual(RETRIED_AFTER_FAILURE);
  });

  it("ignores a retry of another stage without reading the request", async () => {
    const { store, handler } = setup();
    const readRequest = vi.spyOn(store, "readRequest");
    const { id, generated } = await generatedRequest(store);
    readRequest.mockClear();
    const retry = newEvent(
      "RetryRequested",
      id,
      { stage: "caption", requestedBy: "x" },
      causedBy(generated.event),
    );
    await handler.handle({ event: retry, position: 99 }, ctx());
    expect(readRequest).not.toHaveBeenCalled();
  });
});

describe("notificationFailure", () => {
  it("keeps an SMTP code and reason, and names other errors by their class", () => {
    const smtp = new MailSendError({ transient: true, smtpCode: 421, reason: "SMTP 421: busy" });
    expect(notificationFailure(smtp, 6)).toEqual({
      reason: "SMTP 421: busy",
      attempts: 6,
      smtpCode: 421,
      category: "mail-unavailable",
    });
    expect(notificationFailure(new TypeError("x is undefined"), 1)).toEqual({
      reason: "TypeError: x is undefined",
      attempts: 1,
      smtpCode: null,
      category: "internal",
    });
    expect(notificationFailure(new Error("y".repeat(5000)), 1).reason).toHaveLength(2000);
  });
});
