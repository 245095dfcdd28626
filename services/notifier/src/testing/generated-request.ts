// Test support: a request whose image was generated, i.e. whose notification is due.
import type { AnyDomainEvent, DomainEvent } from "@reimagine/contracts";
import { causedBy, type EventStore, newEvent, type StoredEvent } from "@reimagine/core/eventstore";
import type { HandlerContext } from "@reimagine/core/runtime";
import { captionProduced, imageSubmitted, newRequestId } from "@reimagine/core/testing";

/** A valid ImageGenerated caused by `cause`. */
export function imageGenerated(cause: AnyDomainEvent): DomainEvent<"ImageGenerated"> {
  return newEvent(
    "ImageGenerated",
    cause.requestId,
    {
      imageKey: `${cause.requestId}/generated.png`,
      contentType: "image/png",
      bytes: 2048,
      width: 512,
      height: 512,
      model: "test-model",
      provider: "test",
      latencyMs: 7,
    },
    causedBy(cause),
  );
}

/** Appends ImageSubmitted, CaptionProduced and ImageGenerated for a new request. */
export async function generatedRequest(
  store: EventStore,
  options: { email?: string; caption?: string } = {},
): Promise<{ id: string; generated: StoredEvent }> {
  const id = newRequestId();
  const submitted = imageSubmitted(id, { email: options.email ?? "nina@example.com" });
  const captioned = captionProduced(submitted, options.caption ?? "a red fox in the snow");
  const generated = imageGenerated(captioned);
  const { positions } = await store.append(id, [submitted, captioned, generated], "no_stream");
  return { id, generated: { event: generated, position: positions[2]! } };
}

/** A request's event types after a failed notification, an operator's retry and the email. */
export const RETRIED_AFTER_FAILURE = [
  "ImageSubmitted",
  "CaptionProduced",
  "ImageGenerated",
  "NotificationFailed",
  "RetryRequested",
  "UserNotified",
];

/** The types of a request's events, in order. */
export async function typesOf(store: EventStore, requestId: string): Promise<string[]> {
  return (await store.readRequest(requestId)).events.map((s) => s.event.type);
}

/** A handler context for calling a handler directly, as the runtime would on a delivery. */
export function handlerContext(
  overrides: Partial<HandlerContext> & Pick<HandlerContext, "logger">,
): HandlerContext {
  return { attempt: 1, maxAttempts: 3, signal: new AbortController().signal, ...overrides };
}
