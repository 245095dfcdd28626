export { decodeEvent, EVENT_TYPE_HEADER, encodeEvent, REQUEST_ID_HEADER, TRACEPARENT_HEADER } from "./codec";
export {
  type DeadLetter,
  DeadLetterNotFoundError,
  deadLetter,
  listDeadLetters,
  requeueDeadLetter,
} from "./dead-letters";
export { type DurableConsumerOptions, ensureDurableConsumer } from "./durable-consumer";
export { ConcurrencyError, EventStoreUnavailableError } from "./errors";
export { InMemoryEventStore } from "./in-memory-event-store";
export { JetStreamEventStore } from "./jetstream-event-store";
export { connectNats, type NatsConnection } from "./nats-connection";
export { causedBy, newEvent } from "./new-event";
export { assertRequestId, InvalidRequestIdError } from "./request-id";
export { ensureStreams, type StreamOptions } from "./stream-setup";
export { type SubjectLayout, subjectLayout } from "./subjects";
export type { AppendResult, EventStore, ExpectedVersion, RequestHistory, StoredEvent } from "./types";
