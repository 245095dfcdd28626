import { randomBytes } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import {
  connectNats,
  JetStreamEventStore,
  type NatsConnection,
  type SubjectLayout,
  subjectLayout,
} from "@reimagine/eventstore";
import { loadConfig } from "@reimagine/platform";

/** NATS for integration tests: NATS_URL, else the local server. */
export const testNatsUrl = (): string => loadConfig().NATS_URL ?? "nats://127.0.0.1:4222";

/** A stream and subject prefix no other test uses. */
export function randomLayout(): SubjectLayout {
  const id = randomBytes(5).toString("hex");
  return subjectLayout(`T_${id.toUpperCase()}`, `t${id}`);
}

export interface TestStore {
  nc: NatsConnection;
  store: JetStreamEventStore;
  layout: SubjectLayout;
  /** Deletes the test's streams, the KV buckets named after them, and closes the connection. */
  cleanup(): Promise<void>;
}

/** Opens a JetStream event store on fresh, randomly named streams. */
export async function openTestStore(options: { duplicateWindowMs?: number } = {}): Promise<TestStore> {
  const nc = await connectNats(testNatsUrl(), "reimagine-test");
  const layout = randomLayout();
  const store = await JetStreamEventStore.open(nc, layout, {
    replicas: 1,
    duplicateWindowMs: options.duplicateWindowMs ?? 60_000,
  });
  return {
    nc,
    store,
    layout,
    async cleanup() {
      const jsm = await jetstreamManager(nc);
      // `<stream>_keys`, `<stream>_leases`, ...: every bucket a service opens for this stream
      const buckets: string[] = [];
      for await (const name of jsm.streams.names())
        if (name.startsWith(`KV_${layout.stream}_`)) buckets.push(name);
      for (const name of [layout.stream, layout.deadLetterStream, ...buckets]) {
        await jsm.streams.delete(name).catch(() => undefined);
      }
      await nc.close();
    },
  };
}

/**
 * Every message of the store's streams (the log and its dead letters) as the server keeps them:
 * subjects, headers and payloads, undecoded, one text. What a test searches for data that must
 * never be written in clear text.
 */
export async function rawStreamText(store: JetStreamEventStore): Promise<string> {
  const parts: string[] = [];
  for (const stream of [store.layout.stream, store.layout.deadLetterStream]) {
    const { state } = await store.jsm.streams.info(stream);
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const message = await store.jsm.streams.getMessage(stream, { seq });
      if (!message) continue;
      parts.push(
        message.subject,
        message.header?.toString() ?? "",
        Buffer.from(message.data).toString("utf8"),
      );
    }
  }
  return parts.join("\n");
}
