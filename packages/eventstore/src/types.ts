import type { AnyDomainEvent } from "@reimagine/contracts";

/**
 * What a writer expects of a request's history before its append:
 * - a number: the position of the last event it saw for that request (0 = none yet),
 * - "no_stream": the request has no events yet,
 * - "any": no expectation (the store still makes the append idempotent by event id).
 */
export type ExpectedVersion = number | "no_stream" | "any";

/** An event as read back from the log, with its global position (the JetStream sequence). */
export interface StoredEvent<E extends AnyDomainEvent = AnyDomainEvent> {
  event: E;
  /** Global, gap-free for one stream, strictly increasing: the stream sequence. */
  position: number;
}

export interface AppendResult {
  /** Position of the last event now in the request's history; the next expected version. */
  nextExpectedVersion: number;
  /** Positions of the appended events, in order. */
  positions: number[];
  /** True when every event was already in the log (a redelivered append). */
  duplicate: boolean;
}

/** How a history is read. */
export interface ReadRequestOptions {
  /**
   * A position the caller knows is in this request's history (e.g. the event it was triggered
   * by): the read does not end before it. The JetStream store reads by direct get, which any
   * replica may answer, so a read right after an append could otherwise miss it. Without it, the
   * store asks the stream leader how far the history goes (one more round trip): a handler passes
   * its trigger's position instead, and needs no leader for its read.
   */
  atLeast?: number;
}

export interface RequestHistory {
  events: StoredEvent[];
  /** Position of the last event, 0 when there is none: pass it as the expected version. */
  version: number;
}

/** The event store: the only source of truth of reimagine. */
export interface EventStore {
  /**
   * Appends events to one request's history if its last position matches `expected`.
   * Idempotent by event id: appending events that are already stored returns duplicate=true.
   * Throws ConcurrencyError when another writer got there first.
   */
  append(requestId: string, events: AnyDomainEvent[], expected: ExpectedVersion): Promise<AppendResult>;
  /**
   * One request's history, in order, holding every event appended before the call (read your
   * writes, whichever replica answers). With `atLeast`, a history that ends before that position is
   * read again, briefly; still behind, EventStoreUnavailableError (a transient failure), never a
   * shorter history.
   */
  readRequest(requestId: string, options?: ReadRequestOptions): Promise<RequestHistory>;
  /**
   * The request's first event, null when it has none: a cheap look at how it began (one round
   * trip). Any replica may answer, so null can also mean a replica behind: a caller that knows the
   * request has events must not take null for "none" (readRequest with `atLeast` waits the lag out).
   */
  readFirstEvent(requestId: string): Promise<StoredEvent | null>;
  /** Every event from `fromPosition` (inclusive) up to the head at call time, in order. */
  readAll(options?: { fromPosition?: number; signal?: AbortSignal }): AsyncIterable<StoredEvent>;
  /** Position of the newest event in the log (0 when empty); asks the stream's leader. */
  headPosition(): Promise<number>;
  /**
   * Resolves when the server answers on this connection: the readiness of a process whose calls
   * ride through a leader election (a stream without a leader for a few seconds does not fail it).
   */
  ping(): Promise<void>;
  /**
   * Follows one request live: yields its history, then each event as it is appended, in order,
   * until the signal aborts (a push, never a poll).
   */
  watchRequest(requestId: string, options?: { signal?: AbortSignal }): AsyncIterable<StoredEvent>;
  /** Like readAll, but only each event's id and position: a cheap check of what the log holds. */
  readEventIds(options?: { fromPosition?: number; signal?: AbortSignal }): AsyncIterable<{
    position: number;
    id: string;
  }>;
  /**
   * Bulk appends for a whole log (an import): events land in exactly the order given, right after
   * `afterPosition`, each still validated and guarded by its request's previous position, so another
   * writer in between makes the append fail (OrderedAppendError) rather than interleave.
   */
  appendInOrder(
    events: AsyncIterable<AnyDomainEvent> | Iterable<AnyDomainEvent>,
    options: OrderedAppendOptions,
  ): Promise<OrderedAppendResult>;
}

export interface OrderedAppendOptions {
  /** The head the caller saw: the first event must land right after it. */
  afterPosition: number;
  /** Appends in flight at once (JetStream; default 256). */
  window?: number;
  /** Called as appends are acknowledged, with how many so far. */
  onAppended?: (count: number) => void;
  signal?: AbortSignal;
}

export interface OrderedAppendResult {
  events: number;
  requests: number;
}
