import type { AnyDomainEvent, ImageGenerated, PersonalDataField } from "@reimagine/contracts";
import { causedBy, newEvent } from "@reimagine/contracts";
import { v7 as uuidv7 } from "uuid";
import { fixtureSealed } from "./fixture-vault";

/** A fresh request id, as the command API makes them. */
export const newRequestId = (): string => uuidv7();

/**
 * A valid ImageSubmitted for tests, with overridable data. The address (and the webhook URL, if
 * given: then `webhookSealed`) is sealed under a key held by `fixtureVault`, unless `personal` says
 * otherwise (e.g. sealed by a real vault).
 */
export function imageSubmitted(
  requestId: string,
  overrides: Partial<{
    email: string;
    originalKey: string;
    personal: PersonalDataField;
    webhookUrl: string;
  }> = {},
) {
  return newEvent(
    "ImageSubmitted",
    requestId,
    {
      personal: overrides.personal ?? {
        sealed: fixtureSealed(requestId, overrides.email ?? "person@example.com", overrides.webhookUrl),
      },
      ...(overrides.webhookUrl ? { webhookSealed: true as const } : {}),
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

/**
 * An ImageSubmitted as version 1 wrote it, with the address in clear text: what logs from before
 * erasure existed hold. Append it to a JetStream store (which upcasts on read); the in-memory store
 * hands events back as they were given.
 */
export function legacyImageSubmitted(requestId: string, email = "person@example.com"): AnyDomainEvent {
  const current = imageSubmitted(requestId);
  const { personal: _sealed, ...image } = current.data;
  return { ...current, schemaVersion: 1, data: { email, ...image } } as unknown as AnyDomainEvent;
}
