import type { EventStore } from "@reimagine/eventstore";
import { redactErased } from "./redact-erased";

/**
 * Writes the log as JSON lines (one event per line, in log order), optionally only events that
 * occurred at or after `since`. Returns how many were written. The personal data of erased requests
 * reads `{ erased: true }` (see redactErased): an erasure comes after the ImageSubmitted it concerns,
 * so a first pass finds the erased requests, and the second writes the log up to where the first
 * pass ended.
 */
export async function exportLog(
  store: EventStore,
  write: (line: string) => void | Promise<void>,
  options: { since?: Date; signal?: AbortSignal } = {},
): Promise<number> {
  const erased = new Set<string>();
  let end = 0;
  for await (const { event, position } of store.readAll({ signal: options.signal })) {
    if (event.type === "ErasureCompleted") erased.add(event.requestId);
    end = position;
  }
  let count = 0;
  for await (const { event, position } of store.readAll({ signal: options.signal })) {
    if (position > end) break;
    if (options.since && Date.parse(event.occurredAt) < options.since.getTime()) continue;
    await write(JSON.stringify(erased.has(event.requestId) ? redactErased(event) : event));
    count++;
  }
  return count;
}
