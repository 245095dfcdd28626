import type { AnyDomainEvent } from "@reimagine/contracts";
import { ConcurrencyError, OrderedAppendError } from "./errors";
import { HistoryBehindError } from "./read-history";
import { assertAppendable, assertRequestId } from "./request-guards";
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

/** The same contract as the JetStream store, in memory: for fast unit tests of deciders and handlers. */
export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly byId = new Map<string, StoredEvent>();
  /** Woken after every append, for watchRequest. */
  private readonly appended = new Set<() => void>();

  async append(
    requestId: string,
    events: AnyDomainEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    assertAppendable(requestId, events);
    const positions: number[] = [];
    let duplicate = true;
    let last = expected === "any" ? this.versionOf(requestId) : expected === "no_stream" ? 0 : expected;
    for (const event of structuredClone(events)) {
      const existing = this.byId.get(event.id);
      if (existing) {
        positions.push(existing.position);
        last = existing.position;
        continue;
      }
      const actual = this.versionOf(requestId);
      if (actual !== last) throw new ConcurrencyError(requestId, expected, actual);
      const stored = { event, position: this.log.length + 1 };
      this.log.push(stored);
      this.byId.set(event.id, stored);
      positions.push(stored.position);
      last = stored.position;
      duplicate = false;
    }
    for (const wake of [...this.appended]) wake();
    return { nextExpectedVersion: last, positions, duplicate: events.length > 0 && duplicate };
  }

  async *watchRequest(requestId: string, options: { signal?: AbortSignal } = {}): AsyncIterable<StoredEvent> {
    assertRequestId(requestId);
    const { signal } = options;
    let next = 0;
    while (!signal?.aborted) {
      // registered before reading, so an append between the read and the wait still wakes us
      const woken = new Promise<void>((resolve) => {
        const wake = () => {
          this.appended.delete(wake);
          signal?.removeEventListener("abort", wake);
          resolve();
        };
        this.appended.add(wake);
        signal?.addEventListener("abort", wake, { once: true });
      });
      for (; next < this.log.length; next++) {
        const stored = this.log[next]!;
        if (stored.event.requestId === requestId) yield structuredClone(stored);
        if (signal?.aborted) return;
      }
      await woken;
    }
  }

  async appendInOrder(
    events: AsyncIterable<AnyDomainEvent> | Iterable<AnyDomainEvent>,
    options: OrderedAppendOptions,
  ): Promise<OrderedAppendResult> {
    if (this.log.length !== options.afterPosition) {
      throw new OrderedAppendError(
        `the log is at ${this.log.length}, not at ${options.afterPosition}: another writer is using it`,
      );
    }
    const requests = new Set<string>();
    let count = 0;
    for await (const event of events) {
      options.signal?.throwIfAborted();
      const known = requests.has(event.requestId);
      const { duplicate } = await this.append(event.requestId, [event], known ? "any" : "no_stream");
      if (duplicate) throw new OrderedAppendError(`event ${event.id} was already in the log`);
      requests.add(event.requestId);
      options.onAppended?.(++count);
    }
    return { events: count, requests: requests.size };
  }

  async readRequest(requestId: string, options: ReadRequestOptions = {}): Promise<RequestHistory> {
    assertRequestId(requestId);
    const events = this.log.filter((s) => s.event.requestId === requestId).map((s) => structuredClone(s));
    const version = events.at(-1)?.position ?? 0;
    // One copy, never behind: a history short of `atLeast` will not grow by reading it again.
    if (version < (options.atLeast ?? 0)) {
      throw new HistoryBehindError(
        `request ${requestId}: the log read ends at ${version}, before position ${options.atLeast}`,
      );
    }
    return { events, version };
  }

  async readFirstEvent(requestId: string): Promise<StoredEvent | null> {
    assertRequestId(requestId);
    const first = this.log.find((s) => s.event.requestId === requestId);
    return first ? structuredClone(first) : null;
  }

  async *readAll(options: { fromPosition?: number; signal?: AbortSignal } = {}): AsyncIterable<StoredEvent> {
    const head = this.log.length;
    for (let i = Math.max(1, options.fromPosition ?? 1); i <= head; i++) {
      options.signal?.throwIfAborted();
      yield structuredClone(this.log[i - 1]!);
    }
  }

  async *readEventIds(
    options: { fromPosition?: number; signal?: AbortSignal } = {},
  ): AsyncIterable<{ position: number; id: string }> {
    for await (const s of this.readAll(options)) yield { position: s.position, id: s.event.id };
  }

  async headPosition(): Promise<number> {
    return this.log.length;
  }

  async ping(): Promise<void> {}

  private versionOf(requestId: string): number {
    for (let i = this.log.length - 1; i >= 0; i--) {
      if (this.log[i]!.event.requestId === requestId) return this.log[i]!.position;
    }
    return 0;
  }
}
