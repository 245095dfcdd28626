import { foldRequest, newEvent, RequestStatusResponse } from "@reimagine/contracts";
import { imageGenerated, imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { toStatusResponse } from "./to-status-response";

describe("toStatusResponse", () => {
  const id = newRequestId();
  const submitted = imageSubmitted(id, { email: "nina@example.com" });
  const meta = { correlationId: id, causationId: submitted.id };

  it("masks the email and has no caption, image or error while pending", () => {
    const body = toStatusResponse(foldRequest(id, [submitted]), "https://r.example");
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
    const body = toStatusResponse(foldRequest(id, [submitted, generated]), "https://r.example");
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
    const body = toStatusResponse(foldRequest(id, [submitted, captioned, generated]), "https://r.example");
    expect(RequestStatusResponse.parse(body)).toEqual(body);
    expect(body.captionedBy).toEqual({ model: "google/gemma-4-31B-it", provider: "huggingface:novita" });
    expect(body.generatedBy).toEqual({ model: "offline-render-v1", provider: "offline" });
  });

  it("reports the failed stage, its reason and attempts", () => {
    const failed = newEvent(
      "GenerationFailed",
      id,
      { reason: "HTTP 500", attempts: 6, httpStatus: 500 },
      meta,
    );
    const body = toStatusResponse(foldRequest(id, [submitted, failed]), "https://r.example");
    expect(body).toMatchObject({
      status: "failed",
      error: { stage: "generation", message: "HTTP 500", attempts: 6 },
    });
  });
});
