import { randomUUID } from "node:crypto";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { imageSubmitted, newRequestId, openTestStore } from "@reimagine/testing";
import { rate } from "./rate";
import type { BenchResult } from "./report";

const APPENDS = 8_000;
const CONCURRENCY = 16;
const REPLAY = 20_000;

/** Append and replay rates of the event store against raw JetStream measured in the same run. */
export async function benchEventStore(): Promise<BenchResult[]> {
  const t = await openTestStore();
  try {
    const js = jetstream(t.nc);
    const payload = new TextEncoder().encode(JSON.stringify(imageSubmitted(newRequestId())));
    // Baseline: a bare JetStream publish of the same bytes, no validation, no expectation.
    const rawAppend = await rate(APPENDS, CONCURRENCY, () =>
      js.publish(t.layout.eventsOf(randomUUID()), payload),
    );
    const events = Array.from({ length: APPENDS }, () => imageSubmitted(newRequestId()));
    const ourAppend = await rate(APPENDS, CONCURRENCY, (i) =>
      t.store.append(events[i]!.requestId, [events[i]!], "no_stream"),
    );

    // Top up the log to REPLAY events for the replay comparison.
    const more = Array.from({ length: REPLAY - 2 * APPENDS }, () => imageSubmitted(newRequestId()));
    await rate(more.length, 64, (i) => t.store.append(more[i]!.requestId, [more[i]!], "no_stream"));
    const head = await t.store.headPosition();

    let start = performance.now();
    const raw = await js.consumers.get(t.layout.stream, { deliver_policy: DeliverPolicy.All });
    const messages = await raw.consume({ max_messages: 1000 });
    let n = 0;
    for await (const m of messages) {
      n++;
      if (m.seq >= head) break;
    }
    messages.stop();
    const rawReplay = n / ((performance.now() - start) / 1000);

    start = performance.now();
    let ours = 0;
    for await (const _ of t.store.readAll()) ours++;
    const ourReplay = ours / ((performance.now() - start) / 1000);

    return [
      {
        name: `append, 1 event per append, ${CONCURRENCY} concurrent (validated, expected version, dedupe id)`,
        unit: "events/s",
        value: ourAppend,
        baselineName: "raw JetStream publish, same concurrency",
        baseline: rawAppend,
      },
      {
        name: `replay of ${ours} events (decoded and validated)`,
        unit: "events/s",
        value: ourReplay,
        baselineName: "raw ordered consumer, no decoding",
        baseline: rawReplay,
      },
    ];
  } finally {
    await t.cleanup();
  }
}
