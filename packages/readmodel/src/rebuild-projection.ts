import { randomBytes } from "node:crypto";
import type { EventStore, StoredEvent } from "@reimagine/eventstore";
import { type Kysely, sql } from "kysely";
import type { Database } from "./database";
import type { Projection } from "./projection";
import { lockProjectionPosition, saveProjectionPosition } from "./projection-position";
import { countRequests } from "./request-repository";
import { renameIndexes, swapTables } from "./swap-tables";

export interface RebuildProgress {
  /** Events replayed so far. */
  done: number;
  /** Events in the log (grows if it grows during the rebuild). */
  total: number;
  eventsPerSecond: number;
  etaSeconds: number;
}

export interface RebuildResult {
  events: number;
  /** Rows in the table swapped in. */
  requests: number;
  durationMs: number;
}

export interface RebuildOptions {
  db: Kysely<Database>;
  store: Pick<EventStore, "readAll" | "headPosition">;
  projection: Projection;
  onProgress?: (progress: RebuildProgress) => void;
  /** Events per transaction while replaying (default 500). */
  batchSize?: number;
  signal?: AbortSignal;
}

/** Catch-up rounds outside the lock: each one shortens the pause the final swap imposes. */
const CATCH_UP_ROUNDS = 3;

/** Raised when a rebuild could not complete; the live table is untouched unless the swap committed. */
export class RebuildError extends Error {
  override readonly name = "RebuildError";
  readonly code = "REBUILD_FAILED";
}

/**
 * Rebuilds a projection from the whole log into a fresh copy of its table and swaps the copy in,
 * while the live projector keeps serving. The swap runs in one transaction that first locks the
 * projection's position row (pausing the live projector between batches), applies whatever the
 * log gained meanwhile, exchanges the tables and stores the position; the old table is dropped.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { db, store, projection, signal } = options;
  const batchSize = options.batchSize ?? 500;
  const started = performance.now();
  const live = projection.table;
  const fresh = `${live}_rebuild_${randomBytes(4).toString("hex")}`;
  const old = `${live}_old_${Date.now()}`;
  let total = await store.headPosition();
  let done = 0;
  let position = 0;

  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    const eventsPerSecond = seconds > 0 ? done / seconds : 0;
    const remaining = Math.max(0, total - done);
    options.onProgress?.({
      done,
      total,
      eventsPerSecond,
      etaSeconds: eventsPerSecond > 0 ? remaining / eventsPerSecond : 0,
    });
  };

  /** Replays the log after `position` into the fresh table, one transaction per batch (or in `trx`). */
  const replay = async (trx?: Kysely<Database>) => {
    let batch: StoredEvent[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      if (trx) await projection.apply(trx, fresh, events);
      else await db.transaction().execute((t) => projection.apply(t, fresh, events));
      position = events[events.length - 1]!.position;
      done += events.length;
      total = Math.max(total, position);
      report();
    };
    for await (const stored of store.readAll({ fromPosition: position + 1, signal })) {
      batch.push(stored);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  };

  await sql`create table ${sql.id(fresh)} (like ${sql.id(live)} including all)`.execute(db);
  let swapped = false;
  try {
    report();
    await replay();
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      total = await store.headPosition();
      if (total - position <= batchSize) break;
      await replay();
    }
    const requests = await db.transaction().execute(async (trx) => {
      // Bounded waits: a rebuild gives up rather than stall behind a stuck session.
      await sql`set local lock_timeout = '30s'`.execute(trx);
      const livePosition = await lockProjectionPosition(trx, projection.name);
      await replay(trx);
      if (livePosition > position) {
        throw new RebuildError(
          `the live projection is at ${livePosition}, beyond the log's head ${position}: is this the right event store?`,
        );
      }
      await swapTables(trx, { live, fresh, old });
      await renameIndexes(trx, { from: live, to: old });
      await renameIndexes(trx, { from: fresh, to: live });
      await saveProjectionPosition(trx, projection.name, position);
      return countRequests(trx, live);
    });
    swapped = true;
    await sql`drop table ${sql.id(old)}`.execute(db).catch((cause) => {
      throw new RebuildError(`rebuilt and swapped in, but could not drop ${old}; drop it by hand`, { cause });
    });
    return { events: done, requests, durationMs: performance.now() - started };
  } catch (err) {
    if (!swapped) await sql`drop table if exists ${sql.id(fresh)}`.execute(db).catch(() => undefined);
    throw err;
  }
}
