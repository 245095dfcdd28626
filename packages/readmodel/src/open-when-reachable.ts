import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@reimagine/platform";
import type { ReadModelDatabase } from "./create-database";
import { DatabaseUnavailableError } from "./errors";

/** A read model being opened in the background: usable once open, saying why while it is not. */
export interface PendingReadModel {
  /** Resolves once the database is open (never rejects; stop() leaves it pending). */
  readonly ready: Promise<ReadModelDatabase>;
  /** The open database, or a DatabaseUnavailableError saying what it waits for. */
  opened(): Promise<ReadModelDatabase>;
  /** The database once open, else null. */
  current(): ReadModelDatabase | null;
  /** Null once open; else why it is not (yet). */
  waiting(): string | null;
  /** Stops trying, and closes the database if it was opened. */
  stop(): Promise<void>;
}

/**
 * Opens the read model without making anyone wait for it: tries `open` now and again every
 * `retryMs` until it succeeds. A process that can work without Postgres for a while (the
 * all-in-one: submissions, and status from the log) starts at once and catches up when it answers.
 */
export function openWhenReachable(
  open: () => Promise<ReadModelDatabase>,
  options: { logger: Logger; retryMs?: number },
): PendingReadModel {
  const stopping = new AbortController();
  let database: ReadModelDatabase | null = null;
  let why: string | null = "opening";
  const ready = (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const opened = await open();
        if (stopping.signal.aborted) {
          await opened.close(); // stopped while it was opening: nobody will close it later
          return new Promise<never>(() => undefined);
        }
        database = opened;
        why = null;
        if (attempt > 1) options.logger.info({ database: opened.describe() }, "read model connected");
        return opened;
      } catch (err) {
        why = (err as Error).message ?? String(err);
        if (attempt === 1) options.logger.warn({ err }, "read model unavailable: retrying in the background");
        await sleep(options.retryMs ?? 2000, undefined, { signal: stopping.signal }).catch(() => undefined);
        if (stopping.signal.aborted) return new Promise<never>(() => undefined);
      }
    }
  })();
  return {
    ready,
    async opened() {
      if (database) return database;
      throw new DatabaseUnavailableError(`the read model is not open yet: ${why}`);
    },
    current: () => database,
    waiting: () => why,
    async stop() {
      stopping.abort();
      await database?.close();
    },
  };
}
