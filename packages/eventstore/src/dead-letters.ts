import { DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { type MsgHdrs, headers as natsHeaders } from "@nats-io/transport-node";
import type { AnyDomainEvent } from "@reimagine/contracts";
import { decodeEvent, EVENT_TYPE_HEADER, REQUEST_ID_HEADER } from "./codec";
import { isStreamNotFound } from "./errors";
import type { JetStreamEventStore } from "./jetstream-event-store";

/** The headers a dead letter carries besides the event's own. */
export const DEAD_LETTER_HEADERS = {
  consumer: "Reimagine-Dlq-Consumer",
  reason: "Reimagine-Dlq-Reason",
  attempts: "Reimagine-Dlq-Attempts",
  originalPosition: "Reimagine-Dlq-Original-Position",
  failedAt: "Reimagine-Dlq-Failed-At",
} as const;

/** An event a handler could not process within its attempts; kept until an operator acts. */
export interface DeadLetter {
  /** Sequence in the dead-letter stream: the id operators use to requeue it. */
  id: number;
  consumer: string;
  reason: string;
  attempts: number;
  /** Position of the event in the event log. */
  originalPosition: number;
  failedAt: string;
  requestId: string;
  eventType: string;
  /** The event, when it is still readable (a malformed one is kept as raw bytes only). */
  event: AnyDomainEvent | null;
}

/** Parks a message in the dead-letter stream with why and how often it failed. */
export async function deadLetter(
  store: JetStreamEventStore,
  msg: JsMsg,
  info: { consumer: string; requestId: string; reason: string; attempts: number; originalPosition: number },
): Promise<void> {
  const h = natsHeaders();
  copyHeaders(msg.headers, h);
  h.set(DEAD_LETTER_HEADERS.consumer, info.consumer);
  h.set(DEAD_LETTER_HEADERS.reason, oneLine(info.reason));
  h.set(DEAD_LETTER_HEADERS.attempts, String(info.attempts));
  h.set(DEAD_LETTER_HEADERS.originalPosition, String(info.originalPosition));
  h.set(DEAD_LETTER_HEADERS.failedAt, new Date().toISOString());
  const subject = store.layout.deadLetter(info.consumer, safeToken(info.requestId));
  await store.js.publish(subject, msg.data, {
    headers: h,
    msgID: `${info.consumer}:${msg.info.stream}:${msg.seq}:${msg.info.deliveryCount}`,
  });
}

/** Every dead letter, oldest first. */
export async function listDeadLetters(store: JetStreamEventStore): Promise<DeadLetter[]> {
  const stream = store.layout.deadLetterStream;
  // The stream also holds redrive messages: count only the dead letters, or the read would wait forever.
  const info = await store.jsm.streams
    .info(stream, { subjects_filter: store.layout.allDeadLetters })
    .catch((err: unknown) => {
      // Never created (read-only tools create nothing): then there is no dead letter either.
      if (isStreamNotFound(err)) return null;
      throw err;
    });
  if (!info) return [];
  const count = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  if (count === 0) return [];
  const consumer = await store.js.consumers.get(stream, {
    filter_subjects: store.layout.allDeadLetters,
    deliver_policy: DeliverPolicy.All,
  });
  const out: DeadLetter[] = [];
  const last = info.state.last_seq;
  const messages = await consumer.consume({ max_messages: 500 });
  try {
    for await (const m of messages) {
      out.push(toDeadLetter(m.seq, m.headers, m.data));
      if (m.info.pending === 0 || m.seq >= last || out.length >= count) break;
    }
  } finally {
    messages.stop();
  }
  return out;
}

/** Hands a dead letter back to its handler (through the redrive subject) and removes it. */
export async function requeueDeadLetter(store: JetStreamEventStore, id: number): Promise<DeadLetter> {
  const stream = store.layout.deadLetterStream;
  const stored = await store.jsm.streams.getMessage(stream, { seq: id }).catch((err: unknown) => {
    if (isStreamNotFound(err)) return null;
    throw err;
  });
  if (!stored?.subject.includes(".dlq.")) throw new DeadLetterNotFoundError(id);
  const letter = toDeadLetter(stored.seq, stored.header, stored.data);
  const h = natsHeaders();
  copyHeaders(stored.header, h);
  await store.js.publish(store.layout.redrive(letter.consumer, safeToken(letter.requestId)), stored.data, {
    headers: h,
    msgID: `redrive:${stream}:${id}`,
  });
  await store.jsm.streams.deleteMessage(stream, id, false);
  return letter;
}

/** No dead letter has that id (never existed, or already requeued). */
export class DeadLetterNotFoundError extends Error {
  override readonly name = "DeadLetterNotFoundError";
  readonly code = "DEAD_LETTER_NOT_FOUND";
  constructor(readonly id: number) {
    super(`no dead letter with id ${id}`);
  }
}

function toDeadLetter(seq: number, h: MsgHdrs | undefined, data: Uint8Array): DeadLetter {
  let event: AnyDomainEvent | null = null;
  try {
    event = decodeEvent(data);
  } catch {
    // kept as bytes: the reason header says why it could not be read
  }
  return {
    id: seq,
    consumer: h?.get(DEAD_LETTER_HEADERS.consumer) ?? "unknown",
    reason: h?.get(DEAD_LETTER_HEADERS.reason) ?? "",
    attempts: Number(h?.get(DEAD_LETTER_HEADERS.attempts) ?? 0),
    originalPosition: Number(h?.get(DEAD_LETTER_HEADERS.originalPosition) ?? 0),
    failedAt: h?.get(DEAD_LETTER_HEADERS.failedAt) ?? "",
    requestId: event?.requestId ?? h?.get(REQUEST_ID_HEADER) ?? "unknown",
    eventType: event?.type ?? h?.get(EVENT_TYPE_HEADER) ?? "unknown",
    event,
  };
}

function copyHeaders(from: MsgHdrs | undefined, to: MsgHdrs): void {
  if (!from) return;
  for (const [k, values] of from) {
    if (k.startsWith("Nats-")) continue;
    for (const v of values) to.append(k, v);
  }
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ").slice(0, 1000);
const safeToken = (s: string) => (/^[A-Za-z0-9-]+$/.test(s) ? s : "unknown");
