import {
  DeliverPolicy,
  type DirectMsgRequest,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  type StoredMsg,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { SpanKind, trace } from "@opentelemetry/api";
import type { AnyDomainEvent } from "@reimagine/contracts";
import { inSpan, instruments } from "@reimagine/platform";
import { appendInOrder } from "./append-in-order";
import { decodeEvent, encodeEvent } from "./codec";
import {
  ConcurrencyError,
  EventStoreUnavailableError,
  SubjectsOverlapError,
  UnknownStreamError,
  WRONG_LAST_SUBJECT_SEQUENCE,
} from "./errors";
import { readHistory } from "./read-history";
import { readThrough } from "./read-through";
import { assertAppendable, assertRequestId } from "./request-guards";
import { rideThrough } from "./ride-through";
import { assertStreamExists, ensureStreams, type StreamOptions } from "./stream-setup";
import type { SubjectLayout } from "./subjects";
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  OrderedAppendOptions,
  OrderedAppendResult,
  ReadRequestOptions,
  RequestHistory,
  StoredEvent,
} from "./types";

/** A read that gets no message for this long although more is due fails (see readThrough). */
const READ_IDLE_MS = 4000;
/** Pulls of a read's ordered consumer: short, so one the server forgot is noticed within seconds. */
const READ_EXPIRES_MS = 5000;
/** How often an "any" append re-reads the head after losing a race before giving up. */
const ANY_RETRIES = 10;

/**
 * The event store on one JetStream stream. Each request is one subject, so its history is the
 * subject's messages and "version" is the stream sequence of its last message; optimistic
 * concurrency is `Nats-Expected-Last-Subject-Sequence`, deduplication `Nats-Msg-Id` = event id.
 */
export class JetStreamEventStore implements EventStore {
  readonly js: JetStreamClient;
  /** As a part of a service that stops it on shutdown. */
  readonly name = "nats connection";

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly layout: SubjectLayout,
    private readonly publishTimeoutMs: number,
  ) {
    this.js = jetstream(nc);
  }

  /**
   * Opens the store. By default its streams are created or updated first; with `ensureStreams:
   * false` (read-only work) nothing is created and a missing stream is an UnknownStreamError.
   */
  static async open(
    nc: NatsConnection,
    layout: SubjectLayout,
    options: StreamOptions & { publishTimeoutMs?: number; ensureStreams?: boolean },
  ): Promise<JetStreamEventStore> {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc);
      if (options.ensureStreams === false) await assertStreamExists(jsm, layout);
      else await ensureStreams(jsm, layout, options);
    } catch (cause) {
      if (cause instanceof UnknownStreamError || cause instanceof SubjectsOverlapError) throw cause;
      throw new EventStoreUnavailableError(`cannot set up JetStream stream ${layout.stream}`, { cause });
    }
    return new JetStreamEventStore(nc, jsm, layout, options.publishTimeoutMs ?? 5000);
  }

  /**
   * Resolves when the NATS server answers on this connection (a round trip), not the stream's
   * leader: during an election appends and reads ride through (rideThrough) and the process stays
   * ready; a lost connection fails it. The stream itself: headPosition.
   */
  async ping(): Promise<void> {
    await this.nc.flush();
  }

  /** Drains the connection: pending publishes and acks are flushed, then it closes. */
  async stop(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  async append(
    requestId: string,
    events: AnyDomainEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const attributes = {
      "reimagine.request_id": requestId,
      "reimagine.event_types": events.map((e) => e.type).join(","),
      "reimagine.expected_version": String(expected),
    };
    return inSpan(
      "eventstore.append",
      attributes,
      async () => {
        // Safe to repeat (by event id), so an append rides through a leader election.
        const result = await rideThrough(() => this.appendChecked(requestId, events, expected));
        if (!result.duplicate) {
          for (const e of events) instruments().eventsAppended.add(1, { type: e.type });
        }
        trace.getActiveSpan()?.setAttribute("reimagine.duplicate", result.duplicate);
        return result;
      },
      SpanKind.PRODUCER,
    );
  }

  private async appendChecked(
    requestId: string,
    events: AnyDomainEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    assertAppendable(requestId, events);
    if (expected !== "any") return this.appendFrom(requestId, events, toSequence(expected), expected);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendAny(requestId, events);
      } catch (err) {
        if (err instanceof ConcurrencyError && attempt < ANY_RETRIES) continue;
        throw err;
      }
    }
  }

  /**
   * Without an expectation the dedupe window is the only guard JetStream gives, so the history is
   * read first: events already in it (by id) are not appended again, however late the retry.
   */
  private async appendAny(requestId: string, events: AnyDomainEvent[]): Promise<AppendResult> {
    const history = await this.readRequest(requestId);
    const stored = new Map(history.events.map((s) => [s.event.id, s.position]));
    const fresh = events.filter((e) => !stored.has(e.id));
    const result = await this.appendFrom(requestId, fresh, history.version, "any");
    const freshPositions = new Map(fresh.map((e, i) => [e.id, result.positions[i]!]));
    const positions = events.map((e) => stored.get(e.id) ?? freshPositions.get(e.id)!);
    return {
      positions,
      nextExpectedVersion: fresh.length > 0 ? result.nextExpectedVersion : history.version,
      duplicate: events.length > 0 && fresh.length === 0,
    };
  }

  private async appendFrom(
    requestId: string,
    events: AnyDomainEvent[],
    start: number,
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const subject = this.layout.eventsOf(requestId);
    const positions: number[] = [];
    let last = start;
    let duplicate = true;
    for (const event of events) {
      const { payload, headers } = encodeEvent(event);
      try {
        const ack = await this.js.publish(subject, payload, {
          msgID: event.id,
          headers,
          expect: { lastSubjectSequence: last },
          timeout: this.publishTimeoutMs,
        });
        if (!ack.duplicate) duplicate = false;
        last = ack.seq;
        positions.push(ack.seq);
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === WRONG_LAST_SUBJECT_SEQUENCE)) {
          throw new EventStoreUnavailableError(`append to ${requestId} failed`, { cause: err });
        }
        // Either another writer won, or this very event is already stored (an append retried
        // after its ack was lost, past the dedupe window). Only the history can tell.
        const history = await this.readRequest(requestId);
        const stored = history.events.find((s) => s.event.id === event.id);
        if (!stored) throw new ConcurrencyError(requestId, expected, history.version, { cause: err });
        last = stored.position;
        positions.push(stored.position);
      }
    }
    return { nextExpectedVersion: last, positions, duplicate: events.length > 0 && duplicate };
  }

  /** Appends many events in exactly the given order, pipelined (see appendInOrder). */
  appendInOrder(
    events: AsyncIterable<AnyDomainEvent> | Iterable<AnyDomainEvent>,
    options: OrderedAppendOptions,
  ): Promise<OrderedAppendResult> {
    return inSpan("eventstore.append_in_order", { "reimagine.after_position": options.afterPosition }, () =>
      appendInOrder(this, events, { ...options, publishTimeoutMs: this.publishTimeoutMs }),
    );
  }

  /**
   * Follows one request live: yields its history, then each new event as it is appended, until
   * the signal aborts. A push from JetStream (an ordered consumer), not a poll.
   */
  async *watchRequest(requestId: string, options: { signal?: AbortSignal } = {}): AsyncIterable<StoredEvent> {
    assertRequestId(requestId);
    const consumer = await this.js.consumers.get(this.layout.stream, {
      filter_subjects: this.layout.eventsOf(requestId),
      deliver_policy: DeliverPolicy.All,
    });
    // Short pull expiries: after a NATS restart the ordered consumer is recreated within seconds.
    const messages = await consumer.consume({ max_messages: 100, expires: READ_EXPIRES_MS });
    const onAbort = () => messages.stop();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const m of messages) yield { event: decodeEvent(m.data), position: m.seq };
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      messages.stop();
    }
  }

  /**
   * One request's history by direct gets (any replica may answer; no consumer is created), never
   * ending before `atLeast` (see readHistory). Without `atLeast`, the stream leader's last position
   * of the request is the floor: it holds every acknowledged append, so the read includes every
   * event appended before it was called (one more round trip, to the leader, ridden through an
   * election).
   */
  async readRequest(requestId: string, options: ReadRequestOptions = {}): Promise<RequestHistory> {
    assertRequestId(requestId);
    const atLeast = options.atLeast ?? (await rideThrough(() => this.lastPositionOf(requestId)));
    if (atLeast === 0 && options.atLeast === undefined) return { events: [], version: 0 };
    const subject = this.layout.eventsOf(requestId);
    return readHistory((query) => this.directGet(query, requestId), subject, atLeast, `request ${requestId}`);
  }

  /**
   * The request's first event by one direct get (any replica may answer: a replica behind may have
   * none yet, see EventStore.readFirstEvent), null when it has none.
   */
  async readFirstEvent(requestId: string): Promise<StoredEvent | null> {
    assertRequestId(requestId);
    const first = await this.directGet({ next_by_subj: this.layout.eventsOf(requestId), seq: 1 }, requestId);
    return first === null ? null : { event: decodeEvent(first.data), position: first.seq };
  }

  private async directGet(query: DirectMsgRequest, requestId: string): Promise<StoredMsg | null> {
    try {
      return await this.jsm.direct.getMessage(this.layout.stream, query);
    } catch (cause) {
      throw new EventStoreUnavailableError(`cannot read request ${requestId}`, { cause });
    }
  }

  async *readAll(options: { fromPosition?: number; signal?: AbortSignal } = {}): AsyncIterable<StoredEvent> {
    const head = await this.headPosition();
    const from = Math.max(1, options.fromPosition ?? 1);
    if (head < from) return;
    yield* this.readSubject(this.layout.allEvents, from, head, options.signal);
  }

  async headPosition(): Promise<number> {
    try {
      const info = await this.jsm.streams.info(this.layout.stream);
      return info.state.last_seq;
    } catch (cause) {
      throw new EventStoreUnavailableError(`cannot read the head of ${this.layout.stream}`, { cause });
    }
  }

  /** Position of the last event of a request, 0 when it has none. */
  async lastPositionOf(requestId: string): Promise<number> {
    try {
      const msg = await this.jsm.streams.getMessage(this.layout.stream, {
        last_by_subj: this.layout.eventsOf(requestId),
      });
      return msg?.seq ?? 0;
    } catch (cause) {
      throw new EventStoreUnavailableError(`cannot read request ${requestId}`, { cause });
    }
  }

  /**
   * The ids and positions of every event from `fromPosition` up to the head at call time, without
   * their bodies (a headers-only consumer; the id is the dedupe id every append sets): how an import
   * checks cheaply what the log holds.
   */
  async *readEventIds(
    options: { fromPosition?: number; signal?: AbortSignal } = {},
  ): AsyncIterable<{ position: number; id: string }> {
    const head = await this.headPosition();
    const from = Math.max(1, options.fromPosition ?? 1);
    if (head < from) return;
    for await (const m of this.readMessages(this.layout.allEvents, from, head, options.signal, true)) {
      yield { position: m.seq, id: m.headers?.get("Nats-Msg-Id") ?? "" };
    }
  }

  /** Reads a subject filter from `from` up to and including `until`, with an ordered consumer. */
  private async *readSubject(
    filter: string,
    from: number,
    until: number,
    signal?: AbortSignal,
  ): AsyncIterable<StoredEvent> {
    for await (const m of this.readMessages(filter, from, until, signal, false)) {
      yield { event: decodeEvent(m.data), position: m.seq };
    }
  }

  private async *readMessages(
    filter: string,
    from: number,
    until: number,
    signal: AbortSignal | undefined,
    headersOnly: boolean,
  ): AsyncIterable<JsMsg> {
    const consumer = await this.js.consumers.get(this.layout.stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
      ...(headersOnly ? { headers_only: true } : {}),
    });
    const messages = await consumer.consume({
      max_messages: headersOnly ? 5000 : 1000,
      expires: READ_EXPIRES_MS,
    });
    const onAbort = () => messages.stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      yield* readThrough(
        messages[Symbol.asyncIterator](),
        until,
        READ_IDLE_MS,
        () => `reading ${filter} from ${from}`,
      );
    } catch (err) {
      // a read stopped by its caller ends short: that is the abort, not a store failure
      signal?.throwIfAborted();
      throw err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      messages.stop();
    }
    signal?.throwIfAborted();
  }
}

function toSequence(expected: number | "no_stream"): number {
  if (expected === "no_stream") return 0;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new Error(`bad expected version ${expected}`);
  return expected;
}
