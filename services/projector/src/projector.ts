import { setTimeout as sleep } from "node:timers/promises";
import { type ConsumerMessages, DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { decodeEvent, type JetStreamEventStore, type StoredEvent } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { type BackoffPolicy, retryDelayMs } from "@reimagine/reactor";
import {
  type Database,
  type Projection,
  projectBatch,
  readProjectionPosition,
  requestsProjection,
} from "@reimagine/readmodel";
import type { Kysely } from "kysely";
import { nextBatches } from "./next-batches";
import { PositionWaiters } from "./position-waiters";
import { observeProjectionLag } from "./projection-lag-gauge";
import { traceProjection } from "./trace-projection";

export interface ProjectorDeps {
  db: Kysely<Database>;
  store: JetStreamEventStore;
  logger: Logger;
  /** Default: the `requests` read model. */
  projection?: Projection;
  /** Most events per transaction (default 500). */
  batchSize?: number;
  /** How long a started batch waits for more while the log says more is coming (default 5 ms). */
  batchWindowMs?: number;
  /** Delay between attempts at a batch that failed (default 200 ms doubling to 10 s). */
  backoff?: BackoffPolicy;
}

/** A running projector. */
export interface Projector {
  readonly name: string;
  /** The position last committed with the rows. */
  position(): number;
  /** Events in the log not yet in the read model: stream head − committed position. */
  lag(): Promise<number>;
  /** Resolves once the read model includes the event at `position`. */
  waitForPosition(position: number, options?: { signal?: AbortSignal }): Promise<void>;
  /** Why the projector cannot make progress right now, or null while it can. */
  stalled(): string | null;
  /** Lets the batch in flight commit, then stops consuming. */
  stop(): Promise<void>;
}

/** The events that decode, up to the first message that does not, and that message's error. */
function decodeUntilBad(messages: JsMsg[]): { events: StoredEvent[]; error: Error | null } {
  const events: StoredEvent[] = [];
  for (const m of messages) {
    try {
      events.push({ event: decodeEvent(m.data), position: m.seq });
    } catch (cause) {
      return { events, error: new Error(`event at position ${m.seq} cannot be decoded`, { cause }) };
    }
  }
  return { events, error: null };
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 10_000 };

/**
 * Projects every event, in log order, into the read model. An ordered consumer starts right
 * after the stored position; what it delivers is grouped into batches, and each batch commits
 * with its position in one transaction (`projectBatch`). A batch that fails is retried with
 * backoff, never skipped: the projector keeps its place in the log until the database is back.
 */
export async function startProjector(deps: ProjectorDeps): Promise<Projector> {
  const { db, store, logger } = deps;
  const projection = deps.projection ?? requestsProjection;
  const batchSize = deps.batchSize ?? 500;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const log = logger.child({ projection: projection.name });
  const waiters = new PositionWaiters();
  const stopping = new AbortController();
  let position = await readProjectionPosition(db, projection.name);
  let stall: string | null = null;
  let messages: ConsumerMessages | null = null;

  const fail = (reason: string, err: unknown, attempt: number) => {
    stall = `${reason}: ${(err as Error)?.message ?? String(err)}`;
    const delayMs = retryDelayMs(attempt, backoff);
    log.warn({ err, position, attempt, delayMs }, reason);
    return sleep(delayMs, undefined, { signal: stopping.signal });
  };

  /**
   * Decodes and commits one batch, retrying until it succeeds or the projector stops. Events
   * before one that does not decode are committed; that one is retried like a failed
   * transaction, never skipped: the read model must not silently miss an event.
   */
  const commit = async (batch: JsMsg[]) => {
    let rest = batch;
    for (let attempt = 1; rest.length > 0; ) {
      const { events, error } = decodeUntilBad(rest);
      try {
        if (events.length > 0) {
          const started = Date.now();
          const result = await projectBatch(db, projection, events);
          traceProjection(projection.name, events, started);
          position = Math.max(position, result.position);
          rest = rest.slice(events.length);
          attempt = 1;
          stall = null;
          waiters.reached(position);
        }
        if (error) throw error;
      } catch (err) {
        const range = `${rest[0]!.seq}..${rest[rest.length - 1]!.seq}`;
        await fail(`cannot project events ${range}`, err, attempt++);
      }
    }
  };

  const consume = async () => {
    const consumer = await store.js.consumers.get(store.layout.stream, {
      // NATS 2.9 takes exactly one filter subject; this one matches every event.
      filter_subjects: store.layout.allEvents,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: position + 1,
    });
    messages = await consumer.consume({ max_messages: batchSize * 2 });
    if (stopping.signal.aborted) messages.stop();
    stall = null;
    log.info({ from: position + 1 }, "projecting");
    const batches = nextBatches<JsMsg>(messages, {
      max: batchSize,
      windowMs: deps.batchWindowMs ?? 5,
      atHead: (m) => m.info.pending === 0,
    });
    for await (const batch of batches) {
      if (stopping.signal.aborted) return;
      await commit(batch);
    }
  };

  /** Keeps a consumer running; a lost one is re-created after the committed position. */
  const run = async () => {
    let attempt = 0;
    let failedAt = -1;
    while (!stopping.signal.aborted) {
      try {
        await consume();
        if (!stopping.signal.aborted) throw new Error("the ordered consumer ended");
      } catch (err) {
        if (stopping.signal.aborted) break;
        attempt = position === failedAt ? attempt + 1 : 1;
        failedAt = position;
        await fail(`cannot consume the log after position ${position}`, err, attempt).catch(() => undefined);
      } finally {
        messages?.stop();
        messages = null;
      }
    }
  };

  const running = run().catch((err) => log.error({ err }, "projector loop ended unexpectedly"));
  let stopped: Promise<void> | null = null;
  const projector: Projector = {
    name: projection.name,
    position: () => position,
    async lag() {
      return Math.max(0, (await store.headPosition()) - position);
    },
    waitForPosition: (target, options = {}) => waiters.wait(target, position, options.signal),
    stalled: () => stall,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        messages?.stop();
        await running;
        stopLagGauge();
        waiters.close(position);
        log.info({ position }, "projector stopped");
      })();
      return stopped;
    },
  };
  const stopLagGauge = observeProjectionLag(projector);
  return projector;
}
