import { join } from "node:path";
import type { Config, Logger } from "@reimagine/platform";
import { answers, startEmbeddedNatsServer } from "./embedded-nats-server";

export interface NatsEndpoint {
  url: string;
  /** How we got it: configured, an already running local server, or one we started. */
  origin: "configured" | "local" | "started";
  stop(): Promise<void>;
}

const LOCAL = "nats://127.0.0.1:4222";

/**
 * NATS for the all-in-one: NATS_URL if set; else 127.0.0.1:4222 if it answers; else a
 * `nats-server -js` from PATH, started with its store under DATA_DIR.
 */
export async function ensureNats(config: Config, logger: Logger): Promise<NatsEndpoint> {
  const none = async () => undefined;
  if (config.NATS_URL) return { url: config.NATS_URL, origin: "configured", stop: none };
  if (await answers(LOCAL)) return { url: LOCAL, origin: "local", stop: none };
  const server = await startEmbeddedNatsServer(join(config.DATA_DIR, "nats"), logger);
  return { ...server, origin: "started" };
}
