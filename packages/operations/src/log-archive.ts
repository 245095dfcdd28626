import { type AnyDomainEvent, parseEvent } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import { redactErased } from "./redact-erased";

/** Import refuses to mix an archive into a log that already has events. */
export class StoreNotEmptyError extends Error {
  override readonly name = "StoreNotEmptyError";
  readonly code = "STORE_NOT_EMPTY";
  constructor(readonly head: number) {
    super(`the event store already holds ${head} events; import only into an empty store`);
  }
}

/** A line of the archive that is not a valid event; nothing was imported. */
export class InvalidArchiveError extends Error {
  override readonly name = "InvalidArchiveError";
  readonly code = "INVALID_ARCHIVE";
}

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

/**
 * Reads an archive into an empty store, in order, keeping every event's id, time and metadata.
 * Every line is validated before anything is written, so a bad archive imports nothing.
 */
export async function importLog(
  store: EventStore,
  lines: AsyncIterable<string> | Iterable<string>,
  onProgress?: (done: number, total: number) => void,
): Promise<{ events: number; requests: number }> {
  const head = await store.headPosition();
  if (head > 0) throw new StoreNotEmptyError(head);
  const events: AnyDomainEvent[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === "") continue;
    try {
      events.push(parseEvent(JSON.parse(line)));
    } catch (err) {
      throw new InvalidArchiveError(`line ${lineNo}: ${(err as Error).message}`, { cause: err });
    }
  }
  const versions = new Map<string, number>();
  for (const [i, event] of events.entries()) {
    const expected = versions.get(event.requestId) ?? "no_stream";
    const result = await store.append(event.requestId, [event], expected);
    versions.set(event.requestId, result.nextExpectedVersion);
    onProgress?.(i + 1, events.length);
  }
  return { events: events.length, requests: versions.size };
}
