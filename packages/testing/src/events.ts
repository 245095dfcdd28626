import type { AnyDomainEvent } from "@reimagine/contracts";
import { newEvent } from "@reimagine/contracts";
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
