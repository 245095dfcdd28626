import type { AnyDomainEvent, ImageGenerated } from "@reimagine/contracts";
import { causedBy, newEvent } from "@reimagine/contracts";
import { v7 as uuidv7 } from "uuid";

/** A fresh request id, as the command API makes them. */
export const newRequestId = (): string => uuidv7();

/** A valid ImageSubmitted for tests, with overridable data. */
export function imageSubmitted(
  requestId: string,
  overrides: Partial<{ email: string; originalKey: string }> = {},
) {
  return newEvent(
    "ImageSubmitted",
    requestId,
    {
      email: overrides.email ?? "person@example.com",
      originalKey: overrides.originalKey ?? `${requestId}/original.jpg`,
      contentType: "image/jpeg",
      bytes: 1234,
      width: 64,
      height: 48,
      sha256: "a".repeat(64),
    },
    { correlationId: requestId, causationId: `test:${requestId}` },
  );
}

/** A valid CaptionProduced caused by `cause`. */
export function captionProduced(cause: AnyDomainEvent, caption = "a cat on a sofa") {
  return newEvent(
    "CaptionProduced",
    cause.requestId,
    { caption, model: "test-model", provider: "test", latencyMs: 5 },
    { correlationId: cause.metadata.correlationId, causationId: cause.id },
  );
}

/** A valid ImageGenerated (a 512×512 PNG by "test-model") caused by `cause`, with overridable data. */
export function imageGenerated(cause: AnyDomainEvent, overrides: Partial<ImageGenerated> = {}, at?: Date) {
  const { requestId } = cause;
  return newEvent(
    "ImageGenerated",
    requestId,
    {
      imageKey: `${requestId}/generated.png`,
      contentType: "image/png",
      bytes: 2048,
      width: 512,
      height: 512,
      model: "test-model",
      provider: "test",
      latencyMs: 12,
      ...overrides,
    },
    causedBy(cause),
    at,
  );
}
