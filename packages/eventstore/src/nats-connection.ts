import { connect, type NatsConnection } from "@nats-io/transport-node";
import { EventStoreUnavailableError } from "./errors";

export type { NatsConnection };

/** Connects to NATS with reconnects on; fails fast with a clear error when nobody answers. */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url.split(",").map((s) => s.trim()),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 5000,
    });
  } catch (cause) {
    throw new EventStoreUnavailableError(`cannot connect to NATS at ${url}`, { cause });
  }
}
