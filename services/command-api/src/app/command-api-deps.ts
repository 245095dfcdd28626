import type { BlobStore } from "@reimagine/core/blobs";
import type { Config } from "@reimagine/core/config";
import type { RequestStateReader } from "@reimagine/core/domain";
import type { EventStore } from "@reimagine/core/eventstore";
import type { Logger } from "@reimagine/core/logging";
import type { ReadinessCheck } from "@reimagine/core/service";
import type { IdempotencyStore } from "../idempotency/idempotency-store";

/** Everything the command API needs, opened by the caller (main.ts, the all-in-one, tests). */
export interface CommandApiDeps {
  /** Limits, buckets, PUBLIC_BASE_URL, TRUST_PROXY, RATE_LIMIT_PER_MINUTE, UPLOAD_CONCURRENCY. */
  config: Config;
  /** The event log: ImageSubmitted is appended here; the status falls back to it. */
  store: EventStore;
  blobs: BlobStore;
  /** The read model; may lag behind the log or be down without breaking submissions. */
  reader: RequestStateReader;
  idempotency: IdempotencyStore;
  logger: Logger;
  /** What /readyz checks; by default the event log, the blob store and the read model. */
  checks?: Record<string, ReadinessCheck>;
  /** How long a pending Idempotency-Key claim holds off a retry with the same key (default 30 s). */
  idempotencyLeaseMs?: number;
}
