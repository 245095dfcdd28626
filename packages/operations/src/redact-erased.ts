import type { AnyDomainEvent } from "@reimagine/contracts";

/**
 * An event as operators see it once its request is erased: ImageSubmitted's personal data reads
 * `{ erased: true }` (whether the log holds it sealed or, from version 1, in clear text), and a
 * webhook URL written in clear text before it was sealed is left out; every other event holds none
 * and is unchanged.
 */
export function redactErased(event: AnyDomainEvent): AnyDomainEvent {
  if (event.type !== "ImageSubmitted") return event;
  const { webhookUrl: _clear, ...data } = event.data;
  return { ...event, data: { ...data, personal: { erased: true } } };
}

/** A request's events as operators see them: redacted when the request was erased. */
export function redactHistory<T extends { event: AnyDomainEvent }>(history: readonly T[]): T[] {
  if (!history.some((s) => s.event.type === "ErasureCompleted")) return [...history];
  return history.map((s) => ({ ...s, event: redactErased(s.event) }));
}
