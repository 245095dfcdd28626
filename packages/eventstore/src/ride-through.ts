import { setTimeout as sleep } from "node:timers/promises";
import { JetStreamApiError } from "@nats-io/jetstream";

/**
 * How long a call keeps trying through a NATS leader election before its error stands. A 3-node
 * cluster elects a new stream or bucket leader 5–11 s after losing one (measured with the chaos
 * suite's cluster scenario); a call that gives up sooner turns every election into errors.
 */
const ELECTION_MS = 12_000;

const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 1000;

/** Names of the NATS client's errors that say "nobody answered (yet)": no responders, a timeout, a lost connection. */
const TRANSIENT_NAMES = new Set([
  "NoResponders",
  "TimeoutError",
  "RequestError",
  "ConnectionError",
  "JetStreamNotEnabled",
]);

/**
 * True when the error, or one of its causes, is NATS saying it cannot answer right now (no
 * responders, a timeout, a disconnect, JetStream's 503 "temporarily unavailable" while a leader is
 * elected): worth trying again in a moment. A refusal (a wrong expected sequence, a bad request) is
 * not.
 */
export function isTransientNatsError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof JetStreamApiError) return e.status === 503 || e.status === 408;
    if (TRANSIENT_NAMES.has(e.name)) return true;
  }
  return false;
}

/**
 * Runs `op`, and again after a growing pause (100 ms up to 1 s) while it fails transiently
 * (isTransientNatsError), for at most `withinMs` (ELECTION_MS): a call that rides through a leader
 * election instead of failing in it. No new attempt starts after `withinMs`; the last error is
 * thrown then. `op` must be safe to repeat (an append by event id, a compare-and-set, a read).
 */
export async function rideThrough<T>(
  op: () => Promise<T>,
  options: { withinMs?: number; transient?: (err: unknown) => boolean } = {},
): Promise<T> {
  const deadline = Date.now() + (options.withinMs ?? ELECTION_MS);
  const transient = options.transient ?? isTransientNatsError;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(MAX_PAUSE_MS, pause * 2)) {
    try {
      return await op();
    } catch (err) {
      if (!transient(err) || Date.now() + pause > deadline) throw err;
    }
    await sleep(pause);
  }
}
