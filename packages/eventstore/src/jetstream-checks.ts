import { jetstreamManager } from "@nats-io/jetstream";
import type { Config, PreflightCheck, PreflightResult } from "@reimagine/platform";
import { isStreamNotFound } from "./errors";
import type { JetStreamEventStore } from "./jetstream-event-store";
import { connectNats } from "./nats-connection";
import { natsUrlOf } from "./open-event-store";

const NAME = "NATS JetStream";

/** `NATS JetStream` of a service that has opened its store: the stream answers. */
export function eventStoreCheck(store: JetStreamEventStore): PreflightCheck {
  return {
    name: NAME,
    async run(): Promise<PreflightResult> {
      const head = await store.headPosition();
      return { status: "ok", detail: `stream ${store.layout.stream} answers (last position ${head})` };
    },
  };
}

/**
 * `NATS JetStream` from the configuration alone (the operator's doctor): NATS answers, JetStream is
 * on, and whether the stream exists yet. Creates nothing.
 */
export function natsCheck(config: Config): PreflightCheck {
  const url = natsUrlOf(config);
  return {
    name: NAME,
    async run(): Promise<PreflightResult> {
      const nc = await connectNats(url, "reimagine-doctor").catch((err: unknown) => {
        throw new Error(`${url}: ${err instanceof Error ? err.message : String(err)}`);
      });
      try {
        const jsm = await jetstreamManager(nc).catch(() => null);
        if (!jsm)
          return { status: "fail", detail: `${url} answers, but JetStream is off (start nats-server -js)` };
        try {
          const info = await jsm.streams.info(config.NATS_STREAM);
          return {
            status: "ok",
            detail: `${url}: stream ${config.NATS_STREAM} holds ${info.state.messages} events`,
          };
        } catch (err) {
          if (!isStreamNotFound(err)) throw err;
          return {
            status: "ok",
            detail: `${url}: JetStream on; stream ${config.NATS_STREAM} not created yet (the services create it)`,
          };
        }
      } finally {
        await nc.close();
      }
    },
  };
}
