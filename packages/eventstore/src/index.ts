export { decodeEvent, EVENT_TYPE_HEADER, encodeEvent, REQUEST_ID_HEADER, TRACEPARENT_HEADER } from "./codec";
export {
  DEAD_LETTER_HEADERS,
  type DeadLetter,
  DeadLetterNotFoundError,
  deadLetter,
  listDeadLetters,
  requeueDeadLetter,
} from "./dead-letters";
export { type DurableConsumerOptions, ensureDurableConsumer } from "./durable-consumer";
export {
  ConcurrencyError,
  EventStoreUnavailableError,
  isStreamNotFound,
  OrderedAppendError,
  SubjectsOverlapError,
  UnknownStreamError,
} from "./errors";
export { InMemoryEventStore } from "./in-memory-event-store";
export { eventStoreCheck, natsCheck } from "./jetstream-checks";
export { JetStreamEventStore } from "./jetstream-event-store";
export { createInMemoryKvRecordStore, type InMemoryKvRecordStore } from "./kv/in-memory-kv-record-store";
export type { KvRecordEntry, KvRecordSchema, KvRecordStore } from "./kv/kv-record-store";
export {
  type KvRecordStoreOptions,
  KvRecordUnreadableError,
  openKvRecordStore,
} from "./kv/open-kv-record-store";
export { type Acquired, type AcquireOptions, acquireLease, leaseOwnerId } from "./lease/acquire-lease";
export { decideLease, type LeaseDecision, type LeaseDecisionInput } from "./lease/decide-lease";
export { Lease, type LeaseOutcome } from "./lease/lease";
export { type LeaseEntry, type LeaseRecord, type LeaseStore, leaseRecordSchema } from "./lease/lease-record";
export {
  createInMemoryLeaseStore,
  type LeaseStoreOptions,
  leaseStoreSchema,
  openLeaseStore,
} from "./lease/open-lease-store";
export { connectNats, type NatsConnection, onReconnect } from "./nats-connection";
export { natsUrlOf, openEventStore } from "./open-event-store";
export { HistoryBehindError } from "./read-history";
export { assertRequestId, InvalidRequestIdError } from "./request-guards";
export { assertStreamExists, ensureStreams, type StreamOptions } from "./stream-setup";
export { type SubjectLayout, subjectLayout } from "./subjects";
export type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  OrderedAppendOptions,
  OrderedAppendResult,
  ReadRequestOptions,
  RequestHistory,
  StoredEvent,
} from "./types";
