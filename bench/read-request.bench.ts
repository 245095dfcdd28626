import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { decodeEvent, type StoredEvent } from "@reimagine/eventstore";
import { imageSubmitted, openTestStore, requestFlow, type TestStore } from "@reimagine/testing";
import type { BenchResult } from "./report";

const REQUESTS = 500;
const READS = 2_000;

/**
 * Latency of reading one request's history (1 event, as the caption handler reads it, and 4, as
 * a notified request has, among REQUESTS requests' worth of log): store.readRequest against a read
 * through an ordered consumer created per call (how readRequest read before it used direct gets),
 * in the same run. readRequest reads up to the last event's position, as a handler reads up to its
 * trigger's; without a position it first asks the stream leader how far to read (one more round trip).
 */
export async function benchReadRequest(): Promise<BenchResult[]> {
  const t = await openTestStore();
  try {
    const results: BenchResult[] = [];
    for (const length of [1, 4]) {
      const flows = Array.from({ length: REQUESTS }, () =>
        length === 1 ? [imageSubmitted(crypto.randomUUID())] : requestFlow("notified"),
      );
      const positions = new Map<string, number>();
      for (const flow of flows) {
        const { nextExpectedVersion } = await t.store.append(flow[0]!.requestId, flow, "no_stream");
        positions.set(flow[0]!.requestId, nextExpectedVersion);
      }
      results.push(...(await compare(t, positions, length)));
    }
    return results;
  } finally {
    await t.cleanup();
  }
}

async function compare(t: TestStore, positions: Map<string, number>, length: number): Promise<BenchResult[]> {
  const ids = [...positions.keys()];
  const js = jetstream(t.nc);
  const viaConsumer = async (requestId: string) => {
    const consumer = await js.consumers.get(t.layout.stream, {
      filter_subjects: t.layout.eventsOf(requestId),
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await consumer.consume({ max_messages: 1000 });
    const events: StoredEvent[] = [];
    for await (const m of messages) {
      events.push({ event: decodeEvent(m.data), position: m.seq });
      if (m.info.pending === 0) break;
    }
    messages.stop();
    return events;
  };
  const consumerTimes = await latencies(ids, async (id) => {
    if ((await viaConsumer(id)).length !== length) throw new Error("ordered consumer read lost events");
  });
  const storeTimes = await latencies(ids, async (id) => {
    const history = await t.store.readRequest(id, { atLeast: positions.get(id)! });
    if (history.events.length !== length) throw new Error("readRequest lost events");
  });
  return (["p50", "p99"] as const).map((p) => ({
    name: `readRequest of a ${length}-event request, ${p} of ${READS} reads one after another`,
    unit: "µs",
    value: storeTimes[p],
    baselineName: "an ordered consumer created per read (the way readRequest read before)",
    baseline: consumerTimes[p],
  }));
}

async function latencies(
  ids: string[],
  read: (id: string) => Promise<void>,
): Promise<{ p50: number; p99: number }> {
  for (const id of ids.slice(0, 100)) await read(id); // JIT and connection warm-up
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    await read(ids[i % ids.length]!);
    times.push((performance.now() - started) * 1000);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(READS * 0.5)]!, p99: times[Math.floor(READS * 0.99)]! };
}
