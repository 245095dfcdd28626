// Test support: a request whose image was generated, i.e. whose notification is due.
import type { DomainEvent } from "@reimagine/contracts";
import type { EventStore, StoredEvent } from "@reimagine/eventstore";
import type { HandlerContext } from "@reimagine/reactor";
import { newRequestId, requestFlow } from "@reimagine/testing";

/** Appends ImageSubmitted, CaptionProduced and ImageGenerated for a new request. */
export async function generatedRequest(
  store: EventStore,
  options: { email?: string; caption?: string } = {},
): Promise<{ id: string; generated: StoredEvent }> {
  const id = newRequestId();
  const events = requestFlow("generated", id, new Date(), {
    email: options.email ?? "nina@example.com",
    caption: options.caption ?? "a red fox in the snow",
  });
  const { positions } = await store.append(id, events, "no_stream");
  const generated = events.at(-1) as DomainEvent<"ImageGenerated">;
  return { id, generated: { event: generated, position: positions.at(-1)! } };
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
