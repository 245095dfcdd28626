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
      // nats.js otherwise makes an Error per request (every publish, direct get and KV call) to
      // keep the caller's stack for a later timeout: a measurable share of a handler's CPU. Our
      // errors name the operation and keep the client's error as their cause instead.
      noAsyncTraces: true,
    });
  } catch (cause) {
    throw new EventStoreUnavailableError(`cannot connect to NATS at ${url}`, { cause });
  }
}
