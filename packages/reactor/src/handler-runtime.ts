import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import type { EventType } from "@reimagine/contracts";
import type { JetStreamEventStore, StoredEvent } from "@reimagine/eventstore";
import {
  DEAD_LETTER_HEADERS,
  deadLetter,
  decodeEvent,
  EVENT_TYPE_HEADER,
  ensureDurableConsumer,
  REQUEST_ID_HEADER,
  TRACEPARENT_HEADER,
} from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { contextFromTraceparent, instruments, tracer } from "@reimagine/platform";
import { type BackoffPolicy, isRetryable, retryDelayMs, retryHintOf } from "./backoff";
import type { EventHandler, HandlerContext } from "./event-handler";

export interface HandlerRuntimeOptions {
  /** Messages from the event log processed at once by this instance (a requeued dead letter may take one more). */
  concurrency: number;
  /** Deliveries per event before the failure is recorded (onExhausted) or dead-lettered. */
  maxAttempts: number;
  /** How long NATS waits for an ack before redelivering; in-flight work extends it. */
  ackWaitMs: number;
  backoff: BackoffPolicy;
  /** On stop, how long in-flight work may finish before it is aborted and handed back. */
  graceMs: number;
  logger: Logger;
}

const PULL_EXPIRES_MS = 5000;
const PULL_RETRY_MS = 1000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

type Outcome = "ok" | "retry" | "failed" | "dead_letter" | "handed_back";

interface Source {
  stream: string;
  consumer: string;
  filterSubject: string;
  /** Redriven messages carry their original log position in a header. */
  redrive: boolean;
  /** Messages this source may have in flight at once. */
  slots: number;
  /** In flight now. */
  busy: number;
  /** Promised to a pull still open: a message may yet arrive for each. */
  reserved: number;
}

/**
 * Runs one EventHandler on a durable consumer (plus its redrive consumer for requeued dead
 * letters): bounded concurrency, explicit acks, delayed redelivery with backoff instead of
 * sleeping in a slot, dead-lettering when attempts run out, and a graceful stop.
 */
export class HandlerRuntime {
  private readonly inflight = new Map<Promise<void>, AbortController>();
  private readonly pulls = new Set<ConsumerMessages>();
  private readonly loops: Promise<void>[] = [];
  private readonly waiters: (() => void)[] = [];
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** Since when, and why, pulls of a consumer keep failing (its node gone, no leader yet); null while they work. */
  private pullsFailing: { since: number; why: string } | null = null;

  constructor(
    private readonly store: JetStreamEventStore,
    private readonly handler: EventHandler,
    private readonly options: HandlerRuntimeOptions,
  ) {}

  /** Creates the consumers if needed and starts taking work. */
  async start(): Promise<void> {
    const { layout } = this.store;
    const sources: Source[] = [
      {
        stream: layout.stream,
        consumer: this.handler.name,
        filterSubject: layout.allEvents,
        redrive: false,
        slots: this.options.concurrency,
        busy: 0,
        reserved: 0,
      },
      // Requeued dead letters are rare operator actions: one slot of their own, so an idle
      // redrive pull never holds back the main consumer.
      {
        stream: layout.deadLetterStream,
        consumer: `${this.handler.name}_redrive`,
        filterSubject: layout.redriveOf(this.handler.name),
        redrive: true,
        slots: 1,
        busy: 0,
        reserved: 0,
      },
    ];
    for (const source of sources) {
      await ensureDurableConsumer(this.store.jsm, {
        stream: source.stream,
        name: source.consumer,
        filterSubject: source.filterSubject,
        ackWaitMs: this.options.ackWaitMs,
      });
      const consumer = await this.store.js.consumers.get(source.stream, source.consumer);
      this.loops.push(this.loop(consumer, source));
    }
    this.options.logger.info(
      { consumer: this.handler.name, concurrency: this.options.concurrency },
      "handler started",
    );
  }

  /** Stops taking work, lets in-flight work finish within the grace period, hands back the rest. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.wake();
    for (const pull of this.pulls) pull.stop();
    if (!(await this.settled(this.options.graceMs))) {
      this.options.logger.warn(
        { inFlight: this.inflight.size },
        "grace period over: aborting in-flight work",
      );
      for (const controller of this.inflight.values()) controller.abort(new Error("shutting down"));
      // Work that ignores its abort signal is left to NATS: unacked, it is redelivered after ack_wait.
      if (!(await this.settled(this.options.graceMs))) {
        this.options.logger.error(
          { inFlight: this.inflight.size },
          "in-flight work ignored its abort signal",
        );
      }
    }
    await Promise.race([Promise.allSettled(this.loops), delay(1000)]);
    this.options.logger.info({ consumer: this.handler.name }, "handler stopped");
  }

  /** Waits until nothing is in flight (work started meanwhile included), or the time is up. */
  private async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.inflight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([Promise.allSettled([...this.inflight.keys()]), delay(left)]);
    }
    return true;
  }

  /**
   * Null while the consumers deliver; else why they cannot, and for how long (for /readyz): pulls
   * fail while the node that hosts a consumer is gone and until the cluster elects another.
   */
  health(): string | null {
    const failing = this.pullsFailing;
    if (!failing) return null;
    return `consumer ${this.handler.name}: pulls failing for ${Math.round((Date.now() - failing.since) / 1000)} s (${failing.why})`;
  }

  /** Number of messages being worked on now. */
  get busy(): number {
    return this.inflight.size;
  }

  /**
   * Pulls only as many messages as there are free slots, so no message waits unattended in a
   * client buffer while its ack_wait runs out: every message we hold is being worked on (and kept
   * alive by its heartbeat). Short pulls: a pull request outlives a stopped client on the server,
   * and on 2.9 messages (also the ones we hand back) can go to that dead request until it expires.
   */
  private async loop(consumer: Consumer, source: Source): Promise<void> {
    while (!this.stopping) {
      const free = source.slots - source.busy - source.reserved;
      if (free <= 0) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      source.reserved += free;
      let received = 0;
      try {
        const pull = await consumer.fetch({ max_messages: free, expires: PULL_EXPIRES_MS });
        this.pulls.add(pull);
        try {
          for await (const msg of pull) {
            this.pullsRecovered(source);
            received++;
            source.reserved--;
            if (this.stopping) msg.nak();
            else if (this.passesOver(msg, source)) msg.ack();
            else this.begin(msg, source);
          }
        } finally {
          this.pulls.delete(pull);
        }
        // a pull that ran its course (expired, or filled) reached the consumer's leader
        this.pullsRecovered(source);
      } catch (err) {
        if (!this.stopping) {
          this.pullsFailing ??= { since: Date.now(), why: "" };
          this.pullsFailing.why = summary(err);
          this.options.logger.warn(
            { err, consumer: source.consumer, failingForMs: Date.now() - this.pullsFailing.since },
            "pull failed: retrying",
          );
          await delay(PULL_RETRY_MS);
        }
      } finally {
        source.reserved -= free - received;
      }
    }
  }

  private pullsRecovered(source: Source): void {
    if (!this.pullsFailing) return;
    this.options.logger.info(
      { consumer: source.consumer, failedForMs: Date.now() - this.pullsFailing.since },
      "pulls work again",
    );
    this.pullsFailing = null;
  }

  /**
   * Every handler's consumer sees every event: one of a type this handler does not handle is passed
   * over by its type header, acknowledged where it arrives, without a slot, a span or decoding a
   * body nobody here reads. Measured per passed-over event: 201 µs of CPU, against 225 through a
   * slot; the rest is its share of a pull and its ack, each a socket write. A handler handles one
   * event in four or five. A redriven dead letter is this handler's by its subject: never passed over.
   */
  private passesOver(msg: JsMsg, source: Source): boolean {
    if (source.redrive) return false;
    const type = msg.headers?.get(EVENT_TYPE_HEADER);
    return !!type && !this.handler.handles.includes(type as EventType);
  }

  /** Starts work on a message in a free slot; the slot frees (and wakes a waiting loop) when done. */
  private begin(msg: JsMsg, source: Source): void {
    const controller = new AbortController();
    source.busy++;
    const work: Promise<void> = this.process(msg, source, controller.signal)
      .catch((err) => this.options.logger.error({ err }, "unexpected error in handler runtime"))
      .finally(() => {
        source.busy--;
        this.inflight.delete(work);
        this.wake();
      });
    this.inflight.set(work, controller);
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private async process(msg: JsMsg, source: Source, signal: AbortSignal): Promise<void> {
    const attempt = msg.info.deliveryCount;
    const position = source.redrive
      ? Number(msg.headers?.get(DEAD_LETTER_HEADERS.originalPosition) ?? 0)
      : msg.seq;
    const baseLog = this.options.logger.child({ consumer: this.handler.name, position, attempt });
    let stored: StoredEvent;
    try {
      stored = { event: decodeEvent(msg.data), position };
    } catch (err) {
      baseLog.error({ err }, "unreadable event: dead-lettering it");
      await this.deadLetterOrRetry(msg, baseLog, {
        requestId: msg.headers?.get(REQUEST_ID_HEADER) ?? "unknown",
        reason: `unreadable event: ${(err as Error).message}`,
        attempts: attempt,
        originalPosition: position,
      });
      return;
    }
    const { event } = stored;
    if (!this.handler.handles.includes(event.type)) {
      msg.ack();
      return;
    }
    const ctx: HandlerContext = {
      attempt,
      maxAttempts: this.options.maxAttempts,
      signal,
      logger: baseLog.child({
        requestId: event.requestId,
        correlationId: event.metadata.correlationId,
        eventId: event.id,
        eventType: event.type,
      }),
    };
    const parent = contextFromTraceparent(msg.headers?.get(TRACEPARENT_HEADER) || event.metadata.traceparent);
    await context.with(parent, () =>
      tracer.startActiveSpan(`${this.handler.name} ${event.type}`, async (span) => {
        span.setAttributes({
          "reimagine.request_id": event.requestId,
          "messaging.message.id": event.id,
          attempt,
        });
        try {
          await this.run(msg, stored, ctx);
        } finally {
          span.end();
        }
      }),
    );
  }

  private async run(msg: JsMsg, stored: StoredEvent, ctx: HandlerContext): Promise<void> {
    const started = performance.now();
    const outcome = await this.outcomeOf(msg, stored, ctx);
    const attributes = { handler: this.handler.name, event_type: stored.event.type, outcome };
    instruments().handlerDuration.record(performance.now() - started, attributes);
    instruments().handlerOutcomes.add(1, attributes);
  }

  private async outcomeOf(msg: JsMsg, stored: StoredEvent, ctx: HandlerContext): Promise<Outcome> {
    if (ctx.attempt > ctx.maxAttempts) {
      // Earlier deliveries never reached an outcome (the process died or ack_wait ran out each time).
      return this.exhausted(msg, stored, ctx, new Error(`no outcome after ${ctx.maxAttempts} deliveries`));
    }
    const heartbeat = setInterval(() => msg.working(), Math.max(500, this.options.ackWaitMs / 3));
    try {
      await this.handler.handle(stored, ctx);
      msg.ack();
      ctx.logger.debug("handled");
      return "ok";
    } catch (err) {
      trace.getActiveSpan()?.recordException(err as Error);
      trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: summary(err) });
      if (ctx.signal.aborted) {
        ctx.logger.info("aborted by shutdown: handing the event back");
        msg.nak();
        return "handed_back";
      }
      if (!isRetryable(err) || ctx.attempt >= ctx.maxAttempts) return this.exhausted(msg, stored, ctx, err);
      const delay = retryDelayMs(ctx.attempt, this.options.backoff, retryHintOf(err));
      ctx.logger.warn({ err: summary(err), retryInMs: delay }, "handler failed: will retry");
      msg.nak(delay);
      return "retry";
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async exhausted(
    msg: JsMsg,
    stored: StoredEvent,
    ctx: HandlerContext,
    error: unknown,
  ): Promise<Outcome> {
    if (this.handler.onExhausted) {
      try {
        const after = await this.handler.onExhausted(stored, error, ctx);
        if (after !== "dead-letter") {
          ctx.logger.warn({ err: summary(error) }, "stage failed: failure recorded");
          msg.ack();
          return "failed";
        }
        ctx.logger.warn({ err: summary(error) }, "failure recorded: dead-lettering for an operator");
      } catch (err) {
        ctx.logger.error({ err }, "could not record the failure: dead-lettering");
      }
    }
    return this.deadLetterOrRetry(msg, ctx.logger, {
      requestId: stored.event.requestId,
      reason: summary(error),
      attempts: ctx.attempt,
      originalPosition: stored.position,
    });
  }

  private async deadLetterOrRetry(
    msg: JsMsg,
    log: Logger,
    info: { requestId: string; reason: string; attempts: number; originalPosition: number },
  ): Promise<Outcome> {
    try {
      await deadLetter(this.store, msg, { consumer: this.handler.name, ...info });
      msg.term(); // no reason text: "+TERM <reason>" needs nats-server 2.10
      log.error({ reason: info.reason }, "event dead-lettered");
      return "dead_letter";
    } catch (err) {
      // Never drop it: if even the dead-letter stream is unreachable, try the whole thing later.
      log.error({ err }, "dead-lettering failed: will retry");
      msg.nak(retryDelayMs(info.attempts, this.options.backoff));
      return "retry";
    }
  }
}

function summary(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
