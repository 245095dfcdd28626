import type { AnyDomainEvent, PersonalDataField } from "@reimagine/contracts";
import { causedBy, newEvent } from "@reimagine/contracts";
import type { EventStore, ExpectedVersion, StoredEvent } from "@reimagine/eventstore";
import type { Vault } from "@reimagine/vault";
import { captionProduced, imageGenerated, imageSubmitted, newRequestId } from "./events";

/** How a test request's story ends: `generated` stops where the notification is due. */
export type FlowEnding = "captioned" | "generated" | "notified" | "failed" | "retried" | "cancelled";

/**
 * What the person asked with: their email (or its sealed form), a webhook URL (sealed with the
 * email; `personal` must then hold it) and the caption their image got.
 */
export interface FlowRequest {
  email?: string;
  personal?: PersonalDataField;
  webhookUrl?: string;
  caption?: string;
}

/**
 * The events of one request, one second apart: submitted → captioned → generated → notified,
 * or stopping early (`captioned`, `generated`); or failing at generation (`failed`), or failing,
 * retried and then succeeding (`retried`); or cancelled by its owner once captioned (`cancelled`).
 */
export function requestFlow(
  ending: FlowEnding = "notified",
  requestId: string = newRequestId(),
  start: Date = new Date(),
  request: FlowRequest = {},
): AnyDomainEvent[] {
  let second = 0;
  const at = () => new Date(start.getTime() + 1000 * second++);
  const submitted = {
    ...imageSubmitted(requestId, {
      ...(request.email ? { email: request.email } : {}),
      ...(request.personal ? { personal: request.personal } : {}),
      ...(request.webhookUrl ? { webhookUrl: request.webhookUrl } : {}),
    }),
    occurredAt: at().toISOString(),
  };
  const captioned = {
    ...captionProduced(submitted, request.caption ?? `caption of ${requestId.slice(-4)}`),
    occurredAt: at().toISOString(),
  };
  if (ending === "captioned") return [submitted, captioned];
  if (ending === "cancelled") {
    const cancel = newEvent(
      "CancelRequested",
      requestId,
      { previousStatus: "captioned" },
      causedBy(captioned),
      at(),
    );
    return [submitted, captioned, cancel];
  }
  const events: AnyDomainEvent[] = [submitted, captioned];
  let cause: AnyDomainEvent = captioned;
  if (ending === "failed" || ending === "retried") {
    const failed = newEvent(
      "GenerationFailed",
      requestId,
      { reason: "HTTP 503 model loading", attempts: 6, httpStatus: 503 },
      causedBy(captioned),
      at(),
    );
    events.push(failed);
    if (ending === "failed") return events;
    cause = newEvent(
      "RetryRequested",
      requestId,
      { stage: "generation", requestedBy: "test" },
      causedBy(failed),
      at(),
    );
    events.push(cause);
  }
  const generated = imageGenerated(cause, {}, at());
  if (ending === "generated") return [...events, generated];
  const notified = newEvent(
    "UserNotified",
    requestId,
    { messageId: `<${requestId}@test>`, recipientDomain: "example.com" },
    causedBy(generated),
    at(),
  );
  return [...events, generated, notified];
}

/**
 * requestFlow with the address sealed by `vault`: the key bucket that the code under test opens (a
 * service, the CLI), where the in-memory fixture keys are not.
 */
export async function sealedRequestFlow(
  vault: Vault,
  ending: FlowEnding = "notified",
  requestId: string = newRequestId(),
  start: Date = new Date(),
  request: FlowRequest = {},
): Promise<AnyDomainEvent[]> {
  const sealed = await vault.seal(requestId, {
    email: request.email ?? "person@example.com",
    ...(request.webhookUrl ? { webhookUrl: request.webhookUrl } : {}),
  });
  return requestFlow(ending, requestId, start, { ...request, personal: { sealed } });
}

/** Interleaves several requests' events the way a busy log would, keeping each request's order. */
export function interleave(flows: AnyDomainEvent[][]): AnyDomainEvent[] {
  const out: AnyDomainEvent[] = [];
  const longest = Math.max(0, ...flows.map((f) => f.length));
  for (let i = 0; i < longest; i++) for (const f of flows) if (i < f.length) out.push(f[i]!);
  return out;
}

/** Events as the log would return them, at positions `from`, `from + 1`, … */
export function atPositions(events: AnyDomainEvent[], from = 1): StoredEvent[] {
  return events.map((event, i) => ({ event, position: from + i }));
}

/** Appends several requests' events interleaved, one append per event, as concurrent writers would. */
export async function appendInterleaved(store: EventStore, flows: AnyDomainEvent[][]): Promise<number> {
  const versions = new Map<string, ExpectedVersion>();
  let head = 0;
  for (const e of interleave(flows)) {
    const result = await store.append(e.requestId, [e], versions.get(e.requestId) ?? "no_stream");
    versions.set(e.requestId, result.nextExpectedVersion);
    head = Math.max(head, result.nextExpectedVersion);
  }
  return head;
}
