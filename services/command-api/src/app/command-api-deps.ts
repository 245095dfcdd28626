import type { BlobStore } from "@reimagine/blobs";
import type { EventStore } from "@reimagine/eventstore";
import type { Config, Logger, ReadinessCheck } from "@reimagine/platform";
import type { RequestStateReader } from "@reimagine/readmodel";
import type { Vault } from "@reimagine/vault";
import type { ReadModelAccess } from "../admin/read-model-access";
import type { IdempotencyStore } from "../idempotency/idempotency-store";

/** Everything the command API needs, opened by the caller (main.ts, the all-in-one, tests). */
export interface CommandApiDeps {
  /** Limits, buckets, PUBLIC_BASE_URL, TRUST_PROXY, RATE_LIMIT_PER_MINUTE, UPLOAD_CONCURRENCY. */
  config: Config;
  /** The event log: ImageSubmitted is appended here; the status falls back to it. */
  store: EventStore;
  blobs: BlobStore;
  /** Seals the address at submission; opens it to mask it in the status; forgets it (admin API). */
  vault: Vault;
  /** The read model; may lag behind the log or be down without breaking submissions. */
  reader: RequestStateReader;
  idempotency: IdempotencyStore;
  logger: Logger;
  /** What /readyz requires; by default the event log and the blob store. */
  checks?: Record<string, ReadinessCheck>;
  /** What /readyz reports as "degraded" without turning unready; by default the read model. */
  degradedChecks?: Record<string, ReadinessCheck>;
  /** The read-model database, for the admin API's replay, verify and bulk retry (503 without it). */
  readModel?: ReadModelAccess;
  /** How long a pending Idempotency-Key claim holds off a retry with the same key (default 30 s). */
  idempotencyLeaseMs?: number;
  /** Aborted when the API stops: live event streams end at once instead of holding the shutdown. */
  shutdown?: AbortSignal;
}
