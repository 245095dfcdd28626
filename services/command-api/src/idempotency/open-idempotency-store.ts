import type { JetStreamEventStore } from "@reimagine/eventstore";
import type { Config } from "@reimagine/platform";
import type { IdempotencyStore } from "./idempotency-store";
import { openKvIdempotencyStore } from "./kv-idempotency-store";

/** The Idempotency-Key bucket that belongs to this event store's stream, configured from `config`. */
export function openIdempotencyStore(store: JetStreamEventStore, config: Config): Promise<IdempotencyStore> {
  return openKvIdempotencyStore(store.js, {
    stream: store.layout.stream,
    ttlMs: config.IDEMPOTENCY_TTL_MS,
    replicas: config.NATS_REPLICAS,
  });
}
