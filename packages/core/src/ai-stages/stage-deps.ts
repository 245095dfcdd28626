import type { BlobStore } from "../blobs/blob-store";
import type { Config } from "../config";
import type { JetStreamEventStore } from "../eventstore/jetstream-event-store";
import type { EventStore } from "../eventstore/types";
import type { Logger } from "../logging";

/** What every AI stage handler is built from, besides its model client and its bucket. */
export interface StageHandlerDeps {
  store: EventStore;
  blobs: BlobStore;
}

/** What running a stage handler in a process adds: the process's one NATS-backed store, config, logger. */
export interface StageStartDeps {
  /** Shared with everything else in the process; closed by its owner after stop(). */
  store: JetStreamEventStore;
  config: Config;
  logger: Logger;
}
