import { createHash } from "node:crypto";
import { type Acquired, acquireLease, type Lease } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { v7 as uuidv7 } from "uuid";
import {
  IdempotencyKeyBusyError,
  IdempotencyKeyReusedError,
  IdempotencyStoreUnavailableError,
} from "./errors";
import type { IdempotencyData, IdempotencyStore } from "./idempotency-store";

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** How long a held key keeps others waiting without a renewal before they may take it over. */
  leaseMs: number;
  /** This API instance's id in lease records. */
  owner: string;
  logger: Logger;
  /** True when the request already exists (its ImageSubmitted is in the log). */
  exists(requestId: string): Promise<boolean>;
  now?: () => number;
}

export interface IdempotentOutcome {
  requestId: string;
  /** True when an earlier request with the same key and body is the answer. */
  replayed: boolean;
}

/** Decisions one request may go through before it gives up (each lost race or wait costs one). */
const MAX_ROUNDS = 20;

/**
 * Runs `attempt` at most once per Idempotency-Key and body, across processes: the key is leased in
 * the store with a fresh request id, the attempt runs, and the lease records the outcome. A retry
 * after a failed (or crashed) attempt takes the key over and runs `attempt` again with the SAME
 * request id, so `attempt` must be safe to repeat for one id; the event log's "no stream yet" check
 * then keeps a request from being registered twice. The same key with another body is refused.
 */
export async function withIdempotency(
  clientKey: string,
  bodyHash: string,
  attempt: (requestId: string) => Promise<void>,
  options: IdempotencyOptions,
): Promise<IdempotentOutcome> {
  const { store, logger } = options;
  // The client's key may hold characters a KV key cannot; its hash is a fine key and leaks nothing.
  const key = createHash("sha256").update(clientKey).digest("hex");
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const got = await acquire(key, bodyHash, options);
    switch (got.kind) {
      case "done":
        return { requestId: got.record.data.requestId, replayed: true };
      case "contended":
        break;
      case "held": {
        // A key held by an attempt that appended and then died is answered at once.
        const { requestId } = got.record.data;
        if (await options.exists(requestId)) return { requestId, replayed: true };
        await store
          .waitForChange(key, got.revision, got.retryAfterMs)
          .catch(unavailable(`cannot watch idempotency key ${key}`));
        break;
      }
      case "acquired": {
        const { lease, previous } = got;
        if (previous) {
          if (await options.exists(lease.data.requestId)) {
            await settle(lease, { state: "done", data: lease.data }, logger);
            return { requestId: lease.data.requestId, replayed: true };
          }
          logger.info({ requestId: lease.data.requestId }, "Idempotency-Key retried after a failed attempt");
        }
        return run(lease, attempt, logger);
      }
    }
  }
  throw new IdempotencyKeyBusyError("another request with this Idempotency-Key is still in progress");
}

/** One round of the lease protocol for the key; any store failure is the store being unavailable. */
function acquire(
  key: string,
  bodyHash: string,
  options: IdempotencyOptions,
): Promise<Acquired<IdempotencyData>> {
  return acquireLease(options.store, key, {
    owner: options.owner,
    leaseMs: options.leaseMs,
    logger: options.logger,
    now: options.now,
    rounds: 1,
    data: (previous) => ({ requestId: previous?.data.requestId ?? uuidv7(), bodyHash }),
    inspect(record) {
      if (record.data.bodyHash !== bodyHash) {
        throw new IdempotencyKeyReusedError(
          `this Idempotency-Key was used for request ${record.data.requestId} with a different image or email`,
        );
      }
    },
  }).catch((err: unknown) => {
    // Guessing what a key stood for could register a request twice: refuse instead.
    if (err instanceof IdempotencyKeyReusedError) throw err;
    return unavailable(`cannot use idempotency key ${key} in ${options.store.name}`)(err);
  });
}

async function run(
  lease: Lease<IdempotencyData>,
  attempt: (requestId: string) => Promise<void>,
  logger: Logger,
): Promise<IdempotentOutcome> {
  const { data } = lease;
  try {
    await attempt(data.requestId);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await settle(lease, { state: "failed", data, reason }, logger);
    throw err;
  }
  await settle(lease, { state: "done", data }, logger);
  return { requestId: data.requestId, replayed: false };
}

// Best effort: a key left held is resolved by the next request with it (the log says whether the
// request exists, and the lease says when the key may be taken over).
async function settle(
  lease: Lease<IdempotencyData>,
  outcome: Parameters<Lease<IdempotencyData>["settle"]>[0],
  logger: Logger,
): Promise<void> {
  const { requestId } = lease.data;
  try {
    if (!(await lease.settle(outcome))) logger.warn({ requestId }, "idempotency key was taken over");
  } catch (err) {
    logger.warn({ err, requestId }, `could not mark the idempotency key ${outcome.state}`);
  }
}

function unavailable(message: string) {
  return (cause: unknown): never => {
    throw new IdempotencyStoreUnavailableError(message, { cause });
  };
}
