import { createHash } from "node:crypto";
import { type Acquired, acquireLease, type Lease } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { v7 as uuidv7 } from "uuid";
import { newCancelToken } from "../cancel/cancel-token";
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
  /**
   * Whose keys these are: a key is looked up within its scope only, so the same key sent by
   * someone else is a different key and can never replay, refuse or reveal their request.
   */
  scope: string;
  logger: Logger;
  /** True when the request already exists (its ImageSubmitted is in the log). */
  exists(requestId: string): Promise<boolean>;
  now?: () => number;
}

export interface IdempotentOutcome {
  requestId: string;
  /** True when an earlier request with the same key and body is the answer. */
  replayed: boolean;
  /** The request's cancel token; null only for a replay of a key written before cancel tokens. */
  cancelToken: string | null;
}

/** Decisions one request may go through before it gives up (each lost race or wait costs one). */
const MAX_ROUNDS = 20;

/**
 * Runs `attempt` at most once per Idempotency-Key and body, across processes: the key is leased in
 * the store with a fresh request id, the attempt runs, and the lease records the outcome. A retry
 * after a failed (or crashed) attempt takes the key over and runs `attempt` again with the SAME
 * request id and cancel token, so `attempt` must be safe to repeat for one id; the event log's "no
 * stream yet" check then keeps a request from being recorded twice. The same key with another
 * body is refused.
 */
export async function withIdempotency(
  clientKey: string,
  bodyHash: string,
  attempt: (requestId: string, cancelToken: string) => Promise<void>,
  options: IdempotencyOptions,
): Promise<IdempotentOutcome> {
  const { store, logger } = options;
  const key = await storeKey(clientKey, bodyHash, options);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const got = await acquire(key, bodyHash, options);
    switch (got.kind) {
      case "done":
        return replayOf(got.record.data);
      case "contended":
        break;
      case "held": {
        // A key held by an attempt that appended and then died is answered at once.
        const { requestId } = got.record.data;
        if (await options.exists(requestId)) return replayOf(got.record.data);
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
            return replayOf(lease.data);
          }
          logger.info({ requestId: lease.data.requestId }, "Idempotency-Key retried after a failed attempt");
        }
        return run(lease, attempt, logger);
      }
    }
  }
  throw new IdempotencyKeyBusyError("another request with this Idempotency-Key is still in progress");
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The key in the store: the hash of the scope and the client's key (the client's key may hold
 * characters a KV key cannot; the hash is a fine key and leaks nothing). A key written before keys
 * were scoped (the hash of the client's key alone, kept for IDEMPOTENCY_TTL_MS) still keeps its
 * promise, but only to the very same body, whose hash includes the email: under another body it is
 * simply not there, so it can neither refuse nor reveal anything.
 */
async function storeKey(clientKey: string, bodyHash: string, options: IdempotencyOptions): Promise<string> {
  const unscoped = sha256(clientKey);
  const earlier = await options.store
    .get(unscoped)
    .catch(unavailable(`cannot read idempotency key ${unscoped}`));
  if (earlier?.value.data.bodyHash === bodyHash) return unscoped;
  return sha256(`${options.scope}\n${clientKey}`);
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
    data: (previous) => ({
      requestId: previous?.data.requestId ?? uuidv7(),
      bodyHash,
      cancelToken: previous?.data.cancelToken ?? newCancelToken(),
    }),
    inspect(record) {
      if (record.data.bodyHash !== bodyHash) {
        // Never the request's id: the answer to a mistake must not hand out a request to look up.
        throw new IdempotencyKeyReusedError("this Idempotency-Key was already used with a different image");
      }
    },
  }).catch((err: unknown) => {
    // Guessing what a key stood for could submit a request twice: refuse instead.
    if (err instanceof IdempotencyKeyReusedError) throw err;
    return unavailable(`cannot use idempotency key ${key} in ${options.store.name}`)(err);
  });
}

async function run(
  lease: Lease<IdempotencyData>,
  attempt: (requestId: string, cancelToken: string) => Promise<void>,
  logger: Logger,
): Promise<IdempotentOutcome> {
  const { data } = lease;
  // `acquire` gives every record it writes a token: only one taken over from an older release lacks it
  const cancelToken = data.cancelToken ?? newCancelToken();
  try {
    await attempt(data.requestId, cancelToken);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await settle(lease, { state: "failed", data, reason }, logger);
    throw err;
  }
  await settle(lease, { state: "done", data }, logger);
  return { requestId: data.requestId, replayed: false, cancelToken };
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

/** The answer for a key that stands for a recorded request. */
function replayOf(data: IdempotencyData): IdempotentOutcome {
  return { requestId: data.requestId, replayed: true, cancelToken: data.cancelToken ?? null };
}

function unavailable(message: string) {
  return (cause: unknown): never => {
    throw new IdempotencyStoreUnavailableError(message, { cause });
  };
}
