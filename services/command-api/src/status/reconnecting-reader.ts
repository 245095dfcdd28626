import type { RequestState } from "@reimagine/contracts";
import type { Config, Logger, Stoppable } from "@reimagine/platform";
import { createDatabase, PostgresRequestStateReader, type RequestStateReader } from "@reimagine/readmodel";
import type { ReadModelAccess, ReadModelDb } from "../admin/read-model-access";

/** An open read model: its reader and how to close it. */
export interface OpenedReader {
  reader: RequestStateReader;
  close(): Promise<void>;
}

/** The read model could not be opened (yet); queries fall back to the event log meanwhile. */
export class ReadModelUnavailableError extends Error {
  override readonly name = "ReadModelUnavailableError";
  readonly code = "READ_MODEL_UNAVAILABLE";
}

/**
 * A reader that opens the read model on first use rather than at start-up, and tries again (at most
 * every `retryMs`) after a failed open. So the command API starts, accepts submissions and answers
 * status from the event log while Postgres is down, and uses Postgres as soon as it answers.
 */
export class ReconnectingReader<T extends OpenedReader = OpenedReader> implements RequestStateReader {
  private opening: Promise<T> | null = null;
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly open: () => Promise<T>,
    private readonly options: { logger: Logger; retryMs?: number; now?: () => number },
  ) {}

  async get(requestId: string): Promise<RequestState | null> {
    const { reader } = await this.opened();
    return reader.get(requestId);
  }

  /** Closes the read model if it was opened. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (opening) await (await opening.catch(() => null))?.close();
  }

  /** The open read model, opened now if need be: for callers needing more than `get` (the admin API). */
  opened(): Promise<T> {
    const now = this.options.now ?? Date.now;
    if (this.opening) return this.opening;
    const retryMs = this.options.retryMs ?? 5000;
    if (now() - this.failedAt < retryMs) {
      return Promise.reject(
        new ReadModelUnavailableError("the read model could not be opened; retrying soon"),
      );
    }
    this.opening = this.open().catch((err: unknown) => {
      this.opening = null;
      this.failedAt = now();
      this.options.logger.warn({ err }, "cannot open the read model; status answers come from the event log");
      throw err;
    });
    return this.opening;
  }
}

/** The command API's read model, opened on first use: the status reader and the admin API's access to it. */
export interface LazyReadModel extends Stoppable {
  reader: ReconnectingReader<OpenedReader & { db: ReadModelDb }>;
  admin: ReadModelAccess;
}

/**
 * The read model as the command API uses it: opened lazily (submissions never wait for Postgres)
 * and without migrating (the projector owns the schema); the admin API shares the same pool.
 */
export function lazyReadModel(config: Config, logger: Logger): LazyReadModel {
  const reader = new ReconnectingReader(
    async () => {
      const database = await createDatabase(config, logger, { migrate: false });
      logger.info({ database: database.describe() }, "read model connected");
      return {
        reader: new PostgresRequestStateReader(database.db),
        db: database.db,
        close: () => database.close(),
      };
    },
    { logger },
  );
  return {
    name: "read model",
    reader,
    admin: { db: async () => (await reader.opened()).db },
    stop: () => reader.close(),
  };
}
