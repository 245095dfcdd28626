// Test support: a request whose image was generated, i.e. whose notification is due.
import type { AnyDomainEvent, DomainEvent } from "@reimagine/contracts";
import { causedBy, newEvent } from "@reimagine/contracts";
import type { EventStore, StoredEvent } from "@reimagine/eventstore";
import type { HandlerContext } from "@reimagine/reactor";
import { newRequestId, requestFlow, sealedRequestFlow } from "@reimagine/testing";
import type { Vault } from "@reimagine/vault";

/**
 * Appends ImageSubmitted, CaptionProduced and ImageGenerated for a new request, its address sealed
 * by `vault` (by default the in-memory fixtureVault).
 */
export async function generatedRequest(
  store: EventStore,
  options: { email?: string; caption?: string; vault?: Vault } = {},
): Promise<{ id: string; generated: StoredEvent }> {
  const id = newRequestId();
  const request = {
    email: options.email ?? "nina@example.com",
    caption: options.caption ?? "a red fox in the snow",
  };
  const events = options.vault
    ? await sealedRequestFlow(options.vault, "generated", id, new Date(), request)
    : requestFlow("generated", id, new Date(), request);
  const { positions } = await store.append(id, events, "no_stream");
  const generated = events.at(-1) as DomainEvent<"ImageGenerated">;
  return { id, generated: { event: generated, position: positions.at(-1)! } };
}

/** Appends a request that failed for good at `stage` (caption, or generation after its caption), its address sealed by `vault` (by default the fixtureVault). */
export async function failedRequest(
  store: EventStore,
  options: { stage?: "caption" | "generation"; email?: string; at?: Date; vault?: Vault } = {},
): Promise<{ id: string; failed: StoredEvent }> {
  const id = newRequestId();
  const at = options.at ?? new Date();
  const request = { email: options.email ?? "nina@example.com" };
  const flow = options.vault
    ? await sealedRequestFlow(options.vault, "failed", id, at, request)
    : requestFlow("failed", id, at, request);
  const events: AnyDomainEvent[] =
    options.stage === "caption"
      ? [
          flow[0]!,
          newEvent(
            "CaptionFailed",
            id,
            {
              reason: "StageInputError: the uploaded file is not an image that can be decoded",
              attempts: 1,
              httpStatus: null,
              category: "image-unreadable",
            },
            causedBy(flow[0]!),
            at,
          ),
        ]
      : flow;
  const { positions } = await store.append(id, events, "no_stream");
  return { id, failed: { event: events.at(-1)!, position: positions.at(-1)! } };
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

/** A request's event types after its generation failed, the person was told, an operator retried and the image was emailed. */
export const TOLD_RETRIED_AND_NOTIFIED = [
  "ImageSubmitted",
  "CaptionProduced",
  "GenerationFailed",
  "FailureNotified",
  "RetryRequested",
  "ImageGenerated",
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
