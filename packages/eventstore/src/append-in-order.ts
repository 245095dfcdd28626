import { createInbox, type Msg } from "@nats-io/transport-node";
import type { AnyDomainEvent } from "@reimagine/contracts";
import { instruments } from "@reimagine/platform";
import { encodeEvent } from "./codec";
import { EventStoreUnavailableError, OrderedAppendError, WRONG_LAST_SUBJECT_SEQUENCE } from "./errors";
import type { JetStreamEventStore } from "./jetstream-event-store";
import { assertAppendable } from "./request-guards";
import type { OrderedAppendOptions, OrderedAppendResult } from "./types";

/** Publishes in flight at once. */
const DEFAULT_WINDOW = 256;

/** JetStream's answer to a publish: where it landed, or why not. */
interface PubAck {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code: number; err_code?: number; description?: string };
}

interface Pending {
  event: AnyDomainEvent;
  /** Where it must land. */
  target: number;
  sentAt: number;
}

const decoder = new TextDecoder();

/**
 * Appends events in exactly the given order right after `afterPosition`, with up to `window`
 * publishes in flight. The k-th event must land at `afterPosition + k`: each carries the predicted
 * position of its request's previous event as its expected version (and its id as the dedupe id),
 * so another writer in between makes the append fail instead of interleaving. Memory: the window
 * plus one number per request.
 *
 * Acks come back on one inbox subscription (JetStream's asynchronous publish), not one request per
 * event: the client's per-request bookkeeping costs more than the publish itself.
 */
export async function appendInOrder(
  store: JetStreamEventStore,
  events: AsyncIterable<AnyDomainEvent> | Iterable<AnyDomainEvent>,
  options: OrderedAppendOptions & { publishTimeoutMs: number },
): Promise<OrderedAppendResult> {
  const window = options.window ?? DEFAULT_WINDOW;
  const lastOf = new Map<string, number>();
  const pending = new Map<number, Pending>();
  let position = options.afterPosition;
  let acknowledged = 0;
  let failure: Error | null = null;
  let changed: (() => void) | null = null;
  const wake = () => {
    const resolve = changed;
    changed = null;
    resolve?.();
  };
  const fail = (err: Error) => {
    failure ??= err;
    wake();
  };
  const describe = (p: Pending) => `event ${p.event.id} (request ${p.event.requestId}, position ${p.target})`;

  const settle = (target: number, msg: Msg) => {
    const p = pending.get(target);
    if (!p) return;
    pending.delete(target);
    wake();
    if (msg.headers?.code === 503) {
      fail(
        new EventStoreUnavailableError(
          `append of ${describe(p)} failed: JetStream did not answer (no responders)`,
        ),
      );
      return;
    }
    const ack = JSON.parse(decoder.decode(msg.data)) as PubAck;
    if (ack.error) {
      const why = ack.error.description ?? `error ${ack.error.err_code ?? ack.error.code}`;
      fail(
        ack.error.err_code === WRONG_LAST_SUBJECT_SEQUENCE
          ? new OrderedAppendError(
              `${describe(p)}: the request changed under the append (another writer): ${why}`,
            )
          : new EventStoreUnavailableError(`append of ${describe(p)} failed: ${why}`),
      );
      return;
    }
    if (ack.duplicate || ack.seq !== target) {
      const landed = ack.duplicate ? "was already in the log" : `landed at position ${ack.seq}`;
      fail(new OrderedAppendError(`${describe(p)} ${landed}: another writer is using the stream`));
      return;
    }
    acknowledged++;
    instruments().eventsAppended.add(1, { type: p.event.type });
    options.onAppended?.(acknowledged);
  };

  const inbox = createInbox();
  const acks = store.nc.subscribe(`${inbox}.*`, {
    callback: (err, msg) => {
      if (err) fail(new EventStoreUnavailableError("the ack subscription failed", { cause: err }));
      else settle(Number(msg.subject.slice(inbox.length + 1)), msg);
    },
  });
  const overdue = () => {
    const oldest = pending.values().next().value;
    return oldest !== undefined && Date.now() - oldest.sentAt > options.publishTimeoutMs ? oldest : null;
  };
  // An ack that never comes (NATS restarted, the stream is gone) must fail the append, not hang it.
  const watchdog = setInterval(
    () => {
      const late = overdue();
      if (late)
        fail(
          new EventStoreUnavailableError(
            `append of ${describe(late)}: no answer in ${options.publishTimeoutMs} ms`,
          ),
        );
      wake();
    },
    Math.min(1000, options.publishTimeoutMs),
  );
  const idle = () => new Promise<void>((resolve) => (changed = resolve));

  try {
    await store.nc.flush(); // the inbox subscription is known to the server before the first ack is due
    for await (const event of events) {
      if (failure) break;
      options.signal?.throwIfAborted();
      assertAppendable(event.requestId, [event]);
      position++;
      const { payload, headers } = encodeEvent(event);
      headers.set("Nats-Msg-Id", event.id);
      headers.set("Nats-Expected-Last-Subject-Sequence", String(lastOf.get(event.requestId) ?? 0));
      lastOf.set(event.requestId, position);
      pending.set(position, { event, target: position, sentAt: Date.now() });
      try {
        store.nc.publish(store.layout.eventsOf(event.requestId), payload, {
          headers,
          reply: `${inbox}.${position}`,
        });
      } catch (cause) {
        pending.delete(position);
        fail(new EventStoreUnavailableError(`append of event ${event.id} failed`, { cause }));
        break;
      }
      while (pending.size >= window && !failure) await idle();
    }
  } finally {
    // Nothing is left in flight when this returns or throws (answered, or given up on after the
    // timeout), so the caller may check the log at once and see all that will ever land.
    while (pending.size > 0 && !overdue()) await idle();
    clearInterval(watchdog);
    acks.unsubscribe();
  }
  if (failure) throw failure;
  return { events: position - options.afterPosition, requests: lastOf.size };
}
