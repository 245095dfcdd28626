import { setTimeout as sleep } from "node:timers/promises";
import type { DirectMsgRequest, StoredMsg } from "@nats-io/jetstream";
import { decodeEvent } from "./codec";
import { EventStoreUnavailableError } from "./errors";
import type { RequestHistory, StoredEvent } from "./types";

/** One direct get on the event stream: any replica may answer it, a lagging one included. */
export type DirectGet = (query: DirectMsgRequest) => Promise<StoredMsg | null>;

/**
 * A read behind the position its caller knows of is read again this often, pausing 25, 50, 75…
 * ms (~1.1 s in all): a replica catches up in milliseconds, and a longer wait belongs to the
 * caller's own retry (a handler hands its message back with a delay).
 */
const LAGGING_READ_ATTEMPTS = 10;
const LAGGING_READ_PAUSE_MS = 25;

/** A history read that stayed behind a position known to be in it: a lagging replica, or a gap between replicas. */
export class HistoryBehindError extends EventStoreUnavailableError {
  override readonly name = "HistoryBehindError";
}

/**
 * The history of one subject by direct gets, up to at least `atLeast`: a read that ends before it,
 * or finds a hole, met a replica behind another and is read again, briefly; still behind, a
 * HistoryBehindError (transient: the caller tries later). Never a history that ends before `atLeast`.
 */
export async function readHistory(
  get: DirectGet,
  subject: string,
  atLeast: number,
  what: string,
): Promise<RequestHistory> {
  for (let attempt = 1; ; attempt++) {
    const history = await readHistoryOnce(get, subject);
    if (history !== null && history.version >= atLeast) return history;
    if (attempt === LAGGING_READ_ATTEMPTS) {
      throw new HistoryBehindError(
        `${what}: the log read ends at ${history?.version ?? "a gap"}, before position ${atLeast}`,
      );
    }
    await sleep(LAGGING_READ_PAUSE_MS * attempt);
  }
}

/**
 * The history as direct gets see it now: the subject's first and last messages at once, then
 * each one after the previous up to the last. Null when the answers disagree (replicas apart).
 */
async function readHistoryOnce(get: DirectGet, subject: string): Promise<RequestHistory | null> {
  const [first, last] = await Promise.all([
    get({ next_by_subj: subject, seq: 1 }),
    get({ last_by_subj: subject }),
  ]);
  if (first === null || last === null) return first === last ? { events: [], version: 0 } : null;
  const events: StoredEvent[] = [];
  for (let m: StoredMsg | null = first; ; ) {
    if (m === null || m.seq > last.seq) return null;
    events.push({ event: decodeEvent(m.data), position: m.seq });
    if (m.seq === last.seq) return { events, version: last.seq };
    m = await get({ next_by_subj: subject, seq: m.seq + 1 });
  }
}
