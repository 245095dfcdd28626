import type { AnyDomainEvent } from "@reimagine/contracts";
import { captionProduced, imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { newEvent } from "../events/new-event";
import { dueRunStage, dueStage, failedStage, foldRequest, isFinished } from "./request-state";

const given = (...events: AnyDomainEvent[]) => foldRequest(events[0]!.requestId, events);
const meta = (cause: AnyDomainEvent) => ({ correlationId: cause.requestId, causationId: cause.id });

describe("request state", () => {
  const id = newRequestId();
  const submitted = imageSubmitted(id, { email: "ann@example.com" });
  const captioned = captionProduced(submitted, "a red boat");
  const generated = newEvent(
    "ImageGenerated",
    id,
    {
      imageKey: `${id}/generated.png`,
      contentType: "image/png",
      bytes: 10,
      width: 512,
      height: 512,
      model: "m",
      provider: "offline",
      latencyMs: 3,
    },
    meta(captioned),
  );
  const notified = newEvent(
    "UserNotified",
    id,
    { messageId: "<x@y>", recipientDomain: "example.com" },
    meta(generated),
  );
  const genFailed = newEvent(
    "GenerationFailed",
    id,
    { reason: "HTTP 500", attempts: 6, httpStatus: 500 },
    meta(captioned),
  );
  const retry = newEvent("RetryRequested", id, { stage: "generation", requestedBy: "ops" }, meta(genFailed));

  it("is nothing and due nowhere before ImageSubmitted", () => {
    const s = foldRequest(id, []);
    expect(s.submitted).toBe(false);
    expect(dueStage(s)).toBeNull();
  });

  it("walks pending → captioned → generated → notified, each stage due in turn", () => {
    expect(dueStage(given(submitted))).toBe("caption");
    const c = given(submitted, captioned);
    expect([c.status, c.caption, dueStage(c)]).toEqual(["captioned", "a red boat", "generation"]);
    const g = given(submitted, captioned, generated);
    expect([g.status, g.generatedImageKey, dueStage(g)]).toEqual([
      "generated",
      `${id}/generated.png`,
      "notification",
    ]);
    const n = given(submitted, captioned, generated, notified);
    expect([n.status, dueStage(n)]).toEqual(["notified", null]);
    expect(n.history.map((h) => h.type)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
      "ImageGenerated",
      "UserNotified",
    ]);
    expect(n.createdAt).toBe(submitted.occurredAt);
    expect(n.updatedAt).toBe(notified.occurredAt);
  });

  it("a failure stops the flow and names the stage", () => {
    const f = given(submitted, captioned, genFailed);
    expect(f.status).toBe("failed");
    expect(f.error).toEqual({
      stage: "generation",
      category: "model-unavailable",
      message: "HTTP 500",
      attempts: 6,
    });
    expect(dueStage(f)).toBeNull();
    expect(failedStage(f)).toBe("generation");
  });

  it("keeps the address only sealed, or masked for a version-1 request", () => {
    const sealed = given(submitted).contact;
    expect(sealed && "sealed" in sealed && sealed.sealed.keyId).toBe(id);
    const legacy = {
      ...submitted,
      data: { ...submitted.data, personal: { clear: { email: "ann@example.com" } } },
    };
    expect(given(legacy).contact).toEqual({ masked: "a***@example.com" });
  });

  it("an erasure is final: erased, no address, caption, image or error, nothing due, whatever follows", () => {
    const erased = newEvent(
      "ErasureCompleted",
      id,
      { requestedBy: "ops", keyErased: true, removed: [], clearTextInLog: false },
      meta(genFailed),
    );
    const s = given(submitted, captioned, genFailed, erased, retry);
    expect(s).toMatchObject({
      status: "erased",
      erasedAt: erased.occurredAt,
      contact: null,
      caption: null,
      originalKey: null,
      generatedImageKey: null,
      error: null,
    });
    expect([dueStage(s), failedStage(s)]).toEqual([null, null]);
    expect(s.history.map((h) => h.type).slice(-2)).toEqual(["ErasureCompleted", "RetryRequested"]);
  });

  it("expired images end the flow: a finished request keeps its status, a pending one fails", () => {
    const expired = (cause: AnyDomainEvent) =>
      newEvent("ImagesExpired", id, { retentionDays: 30, removed: [] }, meta(cause));
    const done = given(submitted, captioned, generated, notified, expired(notified));
    expect([done.status, done.imagesExpiredAt, dueStage(done)]).toEqual([
      "notified",
      expect.any(String),
      null,
    ]);
    expect(done.generatedImageKey).toBe(`${id}/generated.png`);
    const stuck = given(submitted, captioned, expired(captioned));
    expect(stuck).toMatchObject({
      status: "failed",
      error: { stage: "generation", message: "the images expired before this stage ran", attempts: 0 },
    });
    expect(dueStage(stuck)).toBeNull();
  });

  it("a retry makes the failed stage due again and counts the retry", () => {
    const r = given(submitted, captioned, genFailed, retry);
    expect([r.status, r.error, dueStage(r), r.retries.generation]).toEqual([
      "captioned",
      null,
      "generation",
      1,
    ]);
    expect(given(submitted, captioned, genFailed, retry, generated).status).toBe("generated");
  });

  it("keeps who made the caption and the image", () => {
    const g = given(submitted, captioned, generated);
    expect([g.captionModel, g.captionProvider, g.generationModel, g.generationProvider]).toEqual([
      "test-model",
      "test",
      "m",
      "offline",
    ]);
  });

  describe("the failure notice", () => {
    const told = newEvent(
      "FailureNotified",
      id,
      { stage: "generation", messageId: "<x.failed@y>", recipientDomain: "example.com" },
      meta(genFailed),
    );
    const notificationFailed = newEvent(
      "NotificationFailed",
      id,
      { reason: "SMTP 550", attempts: 1, smtpCode: 550 },
      meta(generated),
    );

    it("is due once a caption or generation failed for good, counted in that stage's runs", () => {
      const f = given(submitted, captioned, genFailed);
      expect(f.failureNotice).toBe("due");
      expect(dueRunStage(f, "failureNotice")).toBe("generation");
      expect(dueRunStage(f, "generation")).toBeNull();
    });

    it("is done once told, and the request stays failed with its error", () => {
      const t = given(submitted, captioned, genFailed, told);
      expect([t.failureNotice, t.status, t.error?.stage, dueRunStage(t, "failureNotice")]).toEqual([
        "sent",
        "failed",
        "generation",
        null,
      ]);
      expect(t.history.at(-1)?.type).toBe("FailureNotified");
    });

    it("is no longer due after an operator's retry, nor for a failed email", () => {
      expect(given(submitted, captioned, genFailed, retry).failureNotice).toBeNull();
      const n = given(submitted, captioned, generated, notificationFailed);
      expect([n.status, n.failureNotice, dueRunStage(n, "failureNotice")]).toEqual(["failed", null, null]);
    });

    it("a stage is due as a step of its own only while it is the stage due", () => {
      const c = given(submitted, captioned);
      expect([dueRunStage(c, "generation"), dueRunStage(c, "caption")]).toEqual(["generation", null]);
    });
  });

  it("a cancel makes the request cancelled and finished, with no stage due at any point", () => {
    for (const before of [[submitted], [submitted, captioned], [submitted, captioned, generated]]) {
      const cancel = newEvent(
        "CancelRequested",
        id,
        { previousStatus: given(...before).status as "pending" },
        meta(before.at(-1)!),
      );
      const c = given(...before, cancel);
      expect([c.status, dueStage(c), isFinished(c.status), c.error, c.failureNotice]).toEqual([
        "cancelled",
        null,
        true,
        null,
        null,
      ]);
      expect(dueRunStage(c, "failureNotice")).toBeNull();
    }
  });

  it("webhook outcomes join the history without moving the request", () => {
    const delivered = newEvent(
      "WebhookDelivered",
      id,
      { webhookId: `msg_${notified.id}`, webhookType: "request.completed", attempts: 1, httpStatus: 204 },
      meta(notified),
    );
    const d = given(submitted, captioned, generated, notified, delivered);
    expect([d.status, d.history.at(-1)?.type, d.updatedAt]).toEqual([
      "notified",
      "WebhookDelivered",
      delivered.occurredAt,
    ]);
  });

  it("only notified, failed and cancelled are finished", () => {
    expect(["pending", "captioned", "generated"].map((s) => isFinished(s as "pending"))).toEqual([
      false,
      false,
      false,
    ]);
    expect(isFinished("notified") && isFinished("failed") && isFinished("cancelled")).toBe(true);
  });
});
