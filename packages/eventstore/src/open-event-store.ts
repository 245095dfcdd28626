import type { Config } from "@reimagine/platform";
import { JetStreamEventStore } from "./jetstream-event-store";
import { connectNats } from "./nats-connection";
import { subjectLayout } from "./subjects";

/** The NATS URL a service uses: NATS_URL, else the conventional local server. */
export const natsUrlOf = (config: Config): string => config.NATS_URL ?? "nats://127.0.0.1:4222";

/** Connects to NATS and opens the event store named by the configuration (streams ensured). */
export async function openEventStore(config: Config, connectionName: string): Promise<JetStreamEventStore> {
  const nc = await connectNats(natsUrlOf(config), connectionName);
  try {
    return await JetStreamEventStore.open(nc, subjectLayout(config.NATS_STREAM, config.NATS_SUBJECT_PREFIX), {
      replicas: config.NATS_REPLICAS,
      duplicateWindowMs: config.NATS_DUPLICATE_WINDOW_MS,
    });
  } catch (err) {
    await nc.close();
    throw err;
  }
}
