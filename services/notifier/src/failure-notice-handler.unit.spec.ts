import type { AnyDomainEvent, DomainEvent } from "@reimagine/contracts";
import { causedBy, FAILURE_SENTENCES, newEvent } from "@reimagine/contracts";
import { type EventStore, InMemoryEventStore, type StoredEvent } from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import { isRetryable } from "@reimagine/reactor";
import { fixtureVault, imageGenerated } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { createInMemoryClaimStore } from "./claims";
import { ExactlyOnceMailer } from "./exactly-once-mailer";
import {
  createFailureNoticeHandler,
  FAILURE_NOTICE_MAX_AGE_MS,
  failureClaimKey,
} from "./failure-notice-handler";
import { MailSendError } from "./mail";
import { createNotifierHandler } from "./notifier-handler";
import { fakeTransport } from "./testing/fake-transport";
import {
  failedRequest,
  handlerContext,
  TOLD_RETRIED_AND_NOTIFIED,
  typesOf,
} from "./testing/generated-request";

const MAIL = {
  from: "reimagine <no-reply@mail.reimagine.test>",
  publicBaseUrl: "https://reimagine.example.com",
};
const ctx = (attempt = 1) => handlerContext({ logger: silentLogger, attempt });

function setup(owner = "instance-a", shared?: { claims: ReturnType<typeof createInMemoryClaimStore> }) {
  const store = new InMemoryEventStore();
  const claims = shared?.claims ?? createInMemoryClaimStore();
  const mail = fakeTransport();
  const mailer = new ExactlyOnceMailer({ claims, transport: mail.transport, leaseMs: 30_000, owner });
  const handler = createFailureNoticeHandler({ store, vault: fixtureVault, mailer, mail: MAIL });
  const notifier = createNotifierHandler({ store, vault: fixtureVault, mailer, mail: MAIL });
  return { store, claims, mail, mailer, handler, notifier };
}

/** Appends `event` to its request and returns it as the log would deliver it. */
async function append(store: EventStore, event: AnyDomainEvent): Promise<StoredEvent> {
  const { positions } = await store.append(event.requestId, [event], "any");
  return { event, position: positions[0]! };
}

const lastOf = async (store: EventStore, id: string) => (await store.readRequest(id)).events.at(-1)!.event;
const retryOf = (cause: AnyDomainEvent, stage: "caption" | "generation") =>
  newEvent("RetryRequested", cause.requestId, { stage, requestedBy: "operator" }, causedBy(cause));

describe("failure notice (in memory)", () => {
  it("emails once that the generation failed, in plain words, and records FailureNotified; the request stays failed", async () => {
    const { store, mail, handler } = setup();
    const { id, failed } = await failedRequest(store, { stage: "generation" });

    await handler.handle(failed, ctx());

    expect(mail.sent).toHaveLength(1);
    const [sent] = mail.sent;
    expect(sent).toMatchObject({
      to: "nina@example.com",
      subject: "We could not reimagine your photo",
      messageId: `<${id}.generation-failed-0@mail.reimagine.test>`,
      headers: { "Auto-Submitted": "auto-generated", "X-Reimagine-Request-Id": id },
    });
    expect(sent!.text).toContain("could not create the new image");
    expect(sent!.text).toContain("this is the last email about it");
    // The public status's sentence for the failure's category, never the recorded reason.
    expect(sent!.text).toContain(`What went wrong: ${FAILURE_SENTENCES["model-unavailable"]}`);
    expect(sent!.text).not.toContain("HTTP 503");
    expect(sent!.text).toContain(`https://reimagine.example.com/r/${id}\n`);
    expect(sent!.html).toContain("could not create the new image");

    const told = (await lastOf(store, id)) as DomainEvent<"FailureNotified">;
    expect(told.type).toBe("FailureNotified");
    expect(told.data).toEqual({
      stage: "generation",
      messageId: `<${id}.generation-failed-0@mail.reimagine.test>`,
      recipientDomain: "example.com",
    });
    expect(told.metadata.causationId).toBe(failed.event.id);

    // a redelivery: nothing is due any more, nothing is sent or appended
    await handler.handle(failed, ctx(2));
    expect(mail.sent).toHaveLength(1);
    expect((await typesOf(store, id)).at(-2)).toBe("GenerationFailed");
  });

  it("says that the photo could not be described when the caption failed", async () => {
    const { store, mail, handler } = setup();
    const { id, failed } = await failedRequest(store, { stage: "caption" });

    await handler.handle(failed, ctx());

    expect(mail.sent[0]!.text).toContain("We could not describe your photo");
    expect(mail.sent[0]!.text).toContain(FAILURE_SENTENCES["image-unreadable"]);
    expect((await lastOf(store, id)).data).toMatchObject({ stage: "caption" });
  });

  it("two instances sharing the claims send once between them", async () => {
    const a = setup("instance-a");
    const mailerB = new ExactlyOnceMailer({
      claims: a.claims,
      transport: a.mail.transport,
      leaseMs: 30_000,
      owner: "instance-b",
    });
    const handlerB = createFailureNoticeHandler({
      store: a.store,
      vault: fixtureVault,
      mailer: mailerB,
      mail: MAIL,
    });
    const { id, failed } = await failedRequest(a.store);

    const results = await Promise.allSettled([
      a.handler.handle(failed, ctx()),
      handlerB.handle(failed, ctx()),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    await Promise.all([a.handler.handle(failed, ctx(2)), handlerB.handle(failed, ctx(2))]);

    expect(a.mail.sent).toHaveLength(1);
    expect((await typesOf(a.store, id)).filter((t) => t === "FailureNotified")).toHaveLength(1);
  });

  it("sends nothing once an operator retried the failed stage", async () => {
    const { store, mail, handler } = setup();
    const { id, failed } = await failedRequest(store);
    await append(store, retryOf(failed.event, "generation"));

    await handler.handle(failed, ctx());
    expect(mail.sent).toHaveLength(0);
    expect(await typesOf(store, id)).not.toContain("FailureNotified");
  });

  it("a request told of its failure, retried and then generated still gets its ready email", async () => {
    const { store, mail, handler, notifier } = setup();
    const { id, failed } = await failedRequest(store);
    await handler.handle(failed, ctx());
    const retry = await append(store, retryOf(await lastOf(store, id), "generation"));
    const generated = await append(store, imageGenerated(retry.event, { imageKey: `${id}/generated-1.png` }));

    await notifier.handle(generated, ctx());
    // the failure, delivered again late, belongs to a run that is over
    await handler.handle(failed, ctx(3));

    expect(mail.sent.map((m) => m.subject)).toEqual([
      "We could not reimagine your photo",
      "Your reimagined image is ready: caption of " + id.slice(-4),
    ]);
    expect(await typesOf(store, id)).toEqual(TOLD_RETRIED_AND_NOTIFIED);
  });

  it("a retry that fails again is told about again, as a new email", async () => {
    const { store, claims, mail, handler } = setup();
    const { id, failed } = await failedRequest(store);
    await handler.handle(failed, ctx());
    const retry = await append(store, retryOf(await lastOf(store, id), "generation"));
    const again = await append(
      store,
      newEvent(
        "GenerationFailed",
        id,
        { reason: "HTTP 500", attempts: 3, httpStatus: 500 },
        causedBy(retry.event),
      ),
    );

    await handler.handle(again, ctx());

    expect(mail.sent.map((m) => m.messageId)).toEqual([
      `<${id}.generation-failed-0@mail.reimagine.test>`,
      `<${id}.generation-failed-1@mail.reimagine.test>`,
    ]);
    expect(claims.peek(failureClaimKey(id, "generation", 1))?.value.state).toBe("done");
  });

  it("a caption failure delivered after a later generation failure sends nothing for it", async () => {
    const { store, mail, handler } = setup();
    const { id, failed: captionFailed } = await failedRequest(store, { stage: "caption" });
    const retry = await append(store, retryOf(captionFailed.event, "caption"));
    const captioned = await append(
      store,
      newEvent(
        "CaptionProduced",
        id,
        { caption: "a cat", model: "m", provider: "p", latencyMs: 1 },
        causedBy(retry.event),
      ),
    );
    await append(
      store,
      newEvent(
        "GenerationFailed",
        id,
        { reason: "HTTP 500", attempts: 3, httpStatus: 500 },
        causedBy(captioned.event),
      ),
    );

    await handler.handle(captionFailed, ctx());
    expect(mail.sent).toHaveLength(0);
  });

  it("never tells about a failure older than the horizon (a first run over an old log, a replay)", async () => {
    const { store, mail, handler } = setup();
    const at = new Date(Date.now() - FAILURE_NOTICE_MAX_AGE_MS - 60_000);
    const { failed } = await failedRequest(store, { at });

    await handler.handle(failed, ctx());
    expect(mail.sent).toHaveLength(0);
  });

  it("an email that cannot be delivered records FailureNotificationFailed, and nothing more after that", async () => {
    const { store, mail, handler } = setup();
    const { id, failed } = await failedRequest(store);
    mail.fail(
      new MailSendError({ transient: false, smtpCode: 550, reason: "SMTP 550 on RCPT TO: no such user" }),
    );

    const err = await handler.handle(failed, ctx()).then(
      () => expect.unreachable("the send should have failed"),
      (e: unknown) => e,
    );
    expect(isRetryable(err)).toBe(false);
    await handler.onExhausted!(failed, err, ctx());
    await handler.onExhausted!(failed, err, ctx());

    const last = (await lastOf(store, id)) as DomainEvent<"FailureNotificationFailed">;
    expect(last.type).toBe("FailureNotificationFailed");
    expect(last.data).toEqual({
      stage: "generation",
      reason: "SMTP 550 on RCPT TO: no such user",
      attempts: 1,
      smtpCode: 550,
    });
    expect((await typesOf(store, id)).filter((t) => t === "FailureNotificationFailed")).toHaveLength(1);
    expect((await store.readRequest(id)).events.map((s) => s.event.type)).toContain("GenerationFailed");
  });

  it("reacts to caption and generation failures only: a failed email is never emailed about", () => {
    expect(setup().handler.handles).toEqual(["CaptionFailed", "GenerationFailed"]);
  });
});
