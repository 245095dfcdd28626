import { setTimeout as sleep } from "node:timers/promises";
import { type ConsumerMessages, DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { decodeEvent, type JetStreamEventStore, onReconnect, type StoredEvent } from "@reimagine/eventstore";
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
import { ProgressWatch } from "./progress-watch";
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
  /**
   * How long a started batch waits for more once the projector is at the head of the log,
   * counted from its first event (default 0: committed at once; the service passes
   * PROJECTOR_LINGER_MS). At live traffic, tens of ms make batches of several events, each batch
   * one transaction; the read model trails the log by at most this much more.
   */
  lingerMs?: number;
  /** Delay between attempts at a batch or a consumer that failed (default 200 ms doubling to 2 s). */
  backoff?: BackoffPolicy;
  /** Behind the head without progress for this long is a stall (default 10 s). */
  stallAfterMs?: number;
  /** How often the log's head is polled to see whether the projector keeps up (default 2 s). */
  headPollMs?: number;
}

/** A running projector. */
export interface Projector {
  readonly name: string;
  /** The position last committed with the rows. */
  position(): number;
  /**
   * Events in the log not yet in the read model: stream head − committed position. With NATS
   * unreachable, from the head seen last (a lag that stops being reported would hide a stall).
   */
  lag(): Promise<number>;
  /** Resolves once the read model includes the event at `position`. */
  waitForPosition(position: number, options?: { signal?: AbortSignal }): Promise<void>;
  /** Why the projector cannot make progress right now, or null while it can. */
  stalled(): string | null;
  /** How long it has been behind the head without progress, in seconds (0 when it keeps up). */
  stalledSeconds(): number;
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

/** Short: the projector must be back within seconds of Postgres or NATS. */
const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 2000 };
/**
 * How long a pull of the ordered consumer lasts. It also bounds how long a consumer the server
 * forgot (NATS restarted) goes unnoticed; a reconnect restarts it sooner.
 */
const PULL_EXPIRES_MS = 5000;
/**
 * Behind the head without progress for this long, with no batch being committed, the consumer is
 * taken for lost and started again after the committed position. In a cluster, the node that hosts
 * the ordered consumer can die while the connection (to another node) stays up: no reconnect says
 * so, and the client's own recovery can take ~45 s.
 */
const SILENT_CONSUMER_MS = 3000;

/**
 * Projects every event, in log order, into the read model. An ordered consumer starts right
 * after the stored position; what it delivers is grouped into batches, and each batch commits
 * with its position in one transaction (`projectBatch`). A batch that fails is retried with
 * backoff, never skipped: the projector keeps its place in the log until the database is back.
 * It starts whether or not Postgres answers (the stored position is read in its loop, retried),
 * restarts its consumer when NATS is back, and reports itself stalled when it falls behind
 * without progress.
 */
export async function startProjector(deps: ProjectorDeps): Promise<Projector> {
  const { db, store, logger } = deps;
  const projection = deps.projection ?? requestsProjection;
  const batchSize = deps.batchSize ?? 500;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const stallAfterMs = deps.stallAfterMs ?? 10_000;
  const log = logger.child({ projection: projection.name });
  const waiters = new PositionWaiters();
  const stopping = new AbortController();
  let position = 0;
  let positionKnown = false;
  let stall: string | null = null;
  let messages: ConsumerMessages | null = null;
  let restarting = false;
  let committing = false;
  let restartedAt = 0;
  const watch = new ProgressWatch({ head: () => store.headPosition(), position: () => position });

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
    committing = true;
    try {
      await commitAll(batch);
    } finally {
      committing = false;
    }
  };

  const commitAll = async (batch: JsMsg[]) => {
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
          watch.progressed();
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
    messages = await consumer.consume({ max_messages: batchSize * 2, expires: PULL_EXPIRES_MS });
    if (stopping.signal.aborted) messages.stop();
    stall = null;
    watch.progressed();
    log.info({ from: position + 1 }, "projecting");
    const batches = nextBatches<JsMsg>(messages, {
      max: batchSize,
      windowMs: deps.batchWindowMs ?? 5,
      lingerMs: deps.lingerMs ?? 0,
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
        if (!positionKnown) {
          position = await readProjectionPosition(db, projection.name);
          positionKnown = true;
          waiters.reached(position);
        }
        await consume();
        if (restarting) {
          restarting = false;
          continue;
        }
        if (!stopping.signal.aborted) throw new Error("the ordered consumer ended");
      } catch (err) {
        if (stopping.signal.aborted) break;
        attempt = position === failedAt ? attempt + 1 : 1;
        failedAt = position;
        const what = positionKnown
          ? `cannot consume the log after position ${position}`
          : "cannot read the stored position (waiting for the read-model database)";
        await fail(what, err, attempt).catch(() => undefined);
      } finally {
        messages?.stop();
        messages = null;
      }
    }
  };

  // After a NATS restart the ordered consumer would stand still until heartbeats are missed: restart it.
  const stopListening = onReconnect(store.nc, () => {
    if (!messages) return;
    log.info({ position }, "NATS is back: restarting the consumer");
    restarting = true;
    messages.stop();
  });
  // A consumer that delivers nothing while the log is ahead (its node gone) is restarted, and says so.
  const restartSilent = setInterval(() => {
    const silentMs = watch.stalledForMs();
    if (!messages || committing || restarting || silentMs < SILENT_CONSUMER_MS) return;
    // once per SILENT_CONSUMER_MS; the stall itself keeps counting (readiness, stalled gauge)
    if (Date.now() - restartedAt < SILENT_CONSUMER_MS) return;
    restartedAt = Date.now();
    const behind = (watch.lastHead() ?? position) - position;
    log.warn(
      { position, behind, silentMs },
      "the consumer delivers nothing while the log is ahead: restarting it",
    );
    stall = `the consumer delivered nothing for ${Math.round(silentMs / 1000)} s with ${behind} event(s) to project after position ${position}: restarting it`;
    restarting = true;
    messages.stop();
  }, 1000);
  restartSilent.unref();
  watch.start(deps.headPollMs ?? 2000);
  const running = run().catch((err) => log.error({ err }, "projector loop ended unexpectedly"));
  let stopped: Promise<void> | null = null;
  const projector: Projector = {
    name: projection.name,
    position: () => position,
    async lag() {
      const head = (await watch.poll()) ?? (await store.headPosition());
      return Math.max(0, head - position);
    },
    waitForPosition: (target, options = {}) => waiters.wait(target, position, options.signal),
    stalled() {
      if (stall) return stall;
      const stalledMs = watch.stalledForMs();
      if (stalledMs < stallAfterMs) return null;
      const behind = (watch.lastHead() ?? position) - position;
      return `no progress for ${Math.round(stalledMs / 1000)} s with ${behind} event(s) to project after position ${position}`;
    },
    stalledSeconds: () => watch.stalledForMs() / 1000,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        stopListening();
        clearInterval(restartSilent);
        watch.stop();
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
