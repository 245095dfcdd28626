import type { Logger } from "../logging/logger";

/** Something that can be shut down; stopped in reverse order of registration. */
export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

/**
 * Stops everything once on SIGTERM or SIGINT (a second signal exits at once), then exits;
 * `beforeStop` runs first (to end a start-up still waiting). Returns the same shutdown function
 * for tests and embedding.
 */
export function stopOnSignals(
  parts: Stoppable[],
  logger: Logger,
  beforeStop?: () => void,
): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  const shutdown = () => {
    stopping ??= (async () => {
      beforeStop?.();
      for (const part of [...parts].reverse()) {
        try {
          await part.stop();
          logger.debug({ part: part.name }, "stopped");
        } catch (err) {
          logger.error({ err, part: part.name }, "error while stopping");
        }
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    logger.info({ signal }, "shutting down");
    void shutdown().then(() => process.exit(0));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return shutdown;
}
