import { FAILURE_SENTENCES, foldRequest, newEvent, RequestStatusResponse } from "@reimagine/contracts";
import { imageGenerated, imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { toStatusResponse } from "./to-status-response";

describe("toStatusResponse", () => {
  const id = newRequestId();
  const submitted = imageSubmitted(id, { email: "nina@example.com" });
  const meta = { correlationId: id, causationId: submitted.id };

  it("masks the email and has no caption, image or error while pending", () => {
    const body = toStatusResponse(foldRequest(id, [submitted]), "https://r.example", "n***@example.com");
    expect(RequestStatusResponse.parse(body)).toEqual(body);
    expect(body).toMatchObject({
      email: "n***@example.com",
      caption: null,
      captionedBy: null,
      generatedImageUrl: null,
      generatedBy: null,
      error: null,
    });
    expect(JSON.stringify(body)).not.toContain("nina@");
  });

  it("links the image through the API (never the object store) once generated", () => {
    const generated = newEvent(
      "ImageGenerated",
      id,
      {
        imageKey: `${id}/generated.png`,
        contentType: "image/png",
        bytes: 9,
        width: 8,
        height: 8,
        model: "m",
        provider: "offline",
        latencyMs: 1,
      },
      meta,
    );
    const body = toStatusResponse(
      foldRequest(id, [submitted, generated]),
      "https://r.example",
      "n***@example.com",
    );
    expect(body.generatedImageUrl).toBe(`https://r.example/api/v1/request/${id}/image`);
    expect(body.status).toBe("generated");
    expect(body.history.map((h) => h.type)).toEqual(["ImageSubmitted", "ImageGenerated"]);
    expect(body.updatedAt).toBe(generated.occurredAt);
    expect(body.createdAt).toBe(submitted.occurredAt);
  });

  it("names the model and provider of the caption and of the image; the demo mode says offline", () => {
    const captioned = newEvent(
      "CaptionProduced",
      id,
      { caption: "a boat", model: "google/gemma-4-31B-it", provider: "huggingface:novita", latencyMs: 900 },
      meta,
    );
    const generated = imageGenerated(captioned, { model: "offline-render-v1", provider: "offline" });
    const body = toStatusResponse(
      foldRequest(id, [submitted, captioned, generated]),
      "https://r.example",
      "n***@example.com",
    );
    expect(RequestStatusResponse.parse(body)).toEqual(body);
    expect(body.captionedBy).toEqual({ model: "google/gemma-4-31B-it", provider: "huggingface:novita" });
    expect(body.generatedBy).toEqual({ model: "offline-render-v1", provider: "offline" });
  });

  it("reports the failed stage, its category, the category's safe sentence and attempts, never the reason", () => {
    const reason = "server error (HTTP 500) from http://10.1.2.3:8080/models/x?api_key=k3y: bucket gen-7";
    const failed = newEvent("GenerationFailed", id, { reason, attempts: 6, httpStatus: 500 }, meta);
    const body = toStatusResponse(
      foldRequest(id, [submitted, failed]),
      "https://r.example",
      "n***@example.com",
    );
    expect(body).toMatchObject({
      status: "failed",
      error: {
        stage: "generation",
        category: "model-unavailable",
        message: FAILURE_SENTENCES["model-unavailable"],
        attempts: 6,
      },
    });
    expect(JSON.stringify(body)).not.toMatch(/10\.1\.2\.3|api_key|bucket|HTTP 500/);
  });

  it("names the category a failure event gives, and infers one for older events", () => {
    const mailFailed = (data: Record<string, unknown>) =>
      toStatusResponse(
        foldRequest(id, [
          submitted,
          newEvent(
            "NotificationFailed",
            id,
            { reason: "SMTP 550 5.1.1 <n@x> at mx.internal", attempts: 1, ...data } as never,
            meta,
          ),
        ]),
        "https://r.example",
        "n***@example.com",
      ).error;
    expect(mailFailed({ smtpCode: 550 })?.category).toBe("email-undeliverable");
    expect(mailFailed({ smtpCode: 421 })?.category).toBe("mail-unavailable");
    expect(mailFailed({ smtpCode: null, category: "internal" })).toMatchObject({
      category: "internal",
      message: FAILURE_SENTENCES.internal,
    });
  });
});
