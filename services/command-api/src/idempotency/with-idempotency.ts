import { createHash } from "node:crypto";
import type { Logger } from "@reimagine/platform";
import { v7 as uuidv7 } from "uuid";
import { decideIdempotency } from "./decide-idempotency";
import { IdempotencyKeyBusyError, IdempotencyKeyReusedError } from "./errors";
import type { IdempotencyRecord, IdempotencyStore } from "./idempotency-store";

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** How long a pending claim keeps others waiting before they may take it over. */
  leaseMs: number;
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

/** Decisions one request may go through before it gives up (each lost race costs one). */
const MAX_ROUNDS = 20;

/**
 * Runs `attempt` at most once per Idempotency-Key and body, across processes: the key is claimed in
 * the store with a fresh request id, the attempt runs, and the claim records the outcome. A retry
 * after a failed (or crashed) attempt takes the claim over and runs `attempt` again with the SAME
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
  const now = options.now ?? Date.now;
  // The client's key may hold characters a KV key cannot; its hash is a fine key and leaks nothing.
  const key = createHash("sha256").update(clientKey).digest("hex");
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const decision = decideIdempotency(await store.get(key), bodyHash, now(), options.leaseMs);
    switch (decision.kind) {
      case "conflict":
        throw new IdempotencyKeyReusedError(
          `this Idempotency-Key was used for request ${decision.requestId} with a different image or email`,
        );
      case "replay":
        return { requestId: decision.requestId, replayed: true };
      case "claim": {
        const record = pending(uuidv7(), bodyHash, now());
        const revision = await store.create(key, record);
        if (revision !== null) return run(key, record, revision);
        break;
      }
      case "retake":
      case "wait": {
        // A claim left pending by an attempt that appended and then died is answered at once.
        if (await options.exists(decision.requestId))
          return { requestId: decision.requestId, replayed: true };
        if (decision.kind === "wait") {
          await store.waitForChange(key, decision.revision, decision.waitMs);
          break;
        }
        const record = pending(decision.requestId, bodyHash, now());
        const revision = await store.update(key, record, decision.revision);
        if (revision !== null) {
          logger.info({ requestId: decision.requestId }, "Idempotency-Key retried after a failed attempt");
          return run(key, record, revision);
        }
        break;
      }
    }
  }
  throw new IdempotencyKeyBusyError("another request with this Idempotency-Key is still in progress");

  async function run(key: string, record: IdempotencyRecord, revision: number): Promise<IdempotentOutcome> {
    try {
      await attempt(record.requestId);
    } catch (err) {
      await settle(key, { ...record, state: "failed", at: new Date(now()).toISOString() }, revision);
      throw err;
    }
    await settle(key, { ...record, state: "done", at: new Date(now()).toISOString() }, revision);
    return { requestId: record.requestId, replayed: false };
  }

  // Best effort: a claim left pending is resolved by the next request with the key (the log says
  // whether the request exists, and the lease says when the claim may be taken over).
  async function settle(key: string, record: IdempotencyRecord, revision: number): Promise<void> {
    try {
      const settled = await store.update(key, record, revision);
      if (settled === null) logger.warn({ requestId: record.requestId }, "idempotency claim was taken over");
    } catch (err) {
      logger.warn(
        { err, requestId: record.requestId },
        `could not mark the idempotency claim ${record.state}`,
      );
    }
  }
}

function pending(requestId: string, bodyHash: string, nowMs: number): IdempotencyRecord {
  return { requestId, bodyHash, state: "pending", at: new Date(nowMs).toISOString() };
}
