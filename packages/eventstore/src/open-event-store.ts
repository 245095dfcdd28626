import type { Config, Logger } from "@reimagine/platform";
import { SubjectsOverlapError, UnknownStreamError } from "./errors";
import { JetStreamEventStore } from "./jetstream-event-store";
import { connectNats } from "./nats-connection";
import { subjectLayout } from "./subjects";

/** The NATS URL a service uses: NATS_URL, else the conventional local server. */
export const natsUrlOf = (config: Config): string => config.NATS_URL ?? "nats://127.0.0.1:4222";

export interface OpenEventStoreOptions {
  /** Create or update the streams (default). Read-only work passes false: nothing is created. */
  ensureStreams?: boolean;
  /** Where connection events (disconnects, reconnects) are logged. */
  logger?: Logger;
}

/**
 * Connects to NATS and opens the event store named by the configuration. Errors about the stream
 * name the variables that chose it (NATS_STREAM, NATS_SUBJECT_PREFIX).
 */
export async function openEventStore(
  config: Config,
  connectionName: string,
  options: OpenEventStoreOptions = {},
): Promise<JetStreamEventStore> {
  const url = natsUrlOf(config);
  const nc = await connectNats(url, connectionName, options.logger);
  try {
    return await JetStreamEventStore.open(nc, subjectLayout(config.NATS_STREAM, config.NATS_SUBJECT_PREFIX), {
      replicas: config.NATS_REPLICAS,
      duplicateWindowMs: config.NATS_DUPLICATE_WINDOW_MS,
      ensureStreams: options.ensureStreams,
    });
  } catch (err) {
    await nc.close();
    throw withVariables(err, config, url);
  }
}

/** The same error, its message saying which variable to look at. */
function withVariables(err: unknown, config: Config, url: string): unknown {
  if (err instanceof UnknownStreamError) {
    return new UnknownStreamError(
      err.stream,
      err.known,
      `${err.message} at ${url}: check NATS_STREAM (and NATS_URL)`,
    );
  }
  if (err instanceof SubjectsOverlapError) {
    return new SubjectsOverlapError(
      err.stream,
      err.subjects,
      err.others,
      `${err.message}; give NATS_STREAM=${config.NATS_STREAM} a NATS_SUBJECT_PREFIX of its own (now "${config.NATS_SUBJECT_PREFIX}"), or use stream ${err.others[0] ?? "that stream"} as NATS_STREAM`,
      { cause: err.cause },
    );
  }
  return err;
}
