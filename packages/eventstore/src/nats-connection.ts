import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "@reimagine/platform";
import { EventStoreUnavailableError } from "./errors";

export type { NatsConnection };

/**
 * Connects to NATS with reconnects on; fails fast with a clear error when nobody answers. With a
 * logger, the connection's life (lost, back, server errors) is logged as it happens.
 */
export async function connectNats(url: string, name: string, logger?: Logger): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
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
  if (logger) void logConnectionEvents(nc, logger.child({ nats: name }));
  return nc;
}

/** Logs what happens to a connection until it closes: a lost server is a warning, its return news. */
async function logConnectionEvents(nc: NatsConnection, log: Logger): Promise<void> {
  let lostAt: number | null = null;
  try {
    for await (const s of nc.status()) {
      switch (s.type) {
        case "disconnect":
          lostAt ??= Date.now();
          log.warn({ server: s.server }, "NATS connection lost: reconnecting");
          break;
        case "reconnect":
          log.info(
            { server: s.server, downMs: lostAt === null ? null : Date.now() - lostAt },
            "NATS connection back",
          );
          lostAt = null;
          break;
        case "error":
          log.warn({ err: s.error }, "NATS server reported an error");
          break;
        case "staleConnection":
          log.warn("NATS connection stale: reconnecting");
          break;
        default:
          break;
      }
    }
  } catch (err) {
    log.debug({ err }, "NATS status stream ended");
  }
}

/**
 * Calls `listener` each time the connection is back after a loss; returns the function that
 * stops listening. Consumers that would otherwise wait out missed heartbeats restart at once.
 */
export function onReconnect(nc: NatsConnection, listener: () => void): () => void {
  // The client's status iterator can be stopped, though its type does not say so.
  const statuses = nc.status() as AsyncIterable<{ type: string }> & { stop?: () => void };
  void (async () => {
    try {
      for await (const s of statuses) if (s.type === "reconnect") listener();
    } catch {
      // the connection closed: nothing more will come back
    }
  })();
  return () => statuses.stop?.();
}
