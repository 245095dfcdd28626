import { importLog } from "@reimagine/operations";
import { newRequestId, openTestStore, requestFlow } from "@reimagine/testing";
import type { BenchResult } from "./report";

const REQUESTS = 10_000;
const WINDOW = 256;

const perSecond = (n: number, ms: number) => n / (ms / 1000);

/**
 * `reimagine import` of a 40,000-event archive: the append phase (validated, each event at its
 * predicted position, acks checked) and the whole import (validate + spool, append, read-back
 * check), against bare JetStream publishes of the same events with as many in flight.
 */
export async function benchImport(): Promise<BenchResult[]> {
  const flows = Array.from({ length: REQUESTS }, () => requestFlow("notified", newRequestId()));
  const events = flows[0]!.flatMap((_, step) => flows.map((flow) => flow[step]!));
  const lines = events.map((e) => JSON.stringify(e));
  const raw = await openTestStore();
  const ours = await openTestStore();
  try {
    // Baseline: js.publish of the same bytes, WINDOW in flight, no validation, no expectations.
    const payloads = lines.map((l) => new TextEncoder().encode(l));
    let started = performance.now();
    let inFlight = 0;
    let freed: (() => void) | null = null;
    const all: Promise<unknown>[] = [];
    for (const [i, e] of events.entries()) {
      inFlight++;
      const publish = raw.store.js.publish(raw.layout.eventsOf(e.requestId), payloads[i]!).finally(() => {
        inFlight--;
        freed?.();
      });
      all.push(publish);
      while (inFlight >= WINDOW) await new Promise<void>((resolve) => (freed = resolve));
    }
    await Promise.all(all);
    const baseline = perSecond(events.length, performance.now() - started);

    started = performance.now();
    const phases: Record<string, number> = {};
    let phaseStart = started;
    await importLog(ours.store, lines, {
      onProgress: ({ phase, done, total }) => {
        if (done !== total) return;
        phases[phase] = performance.now() - phaseStart;
        phaseStart = performance.now();
      },
    });
    const whole = perSecond(events.length, performance.now() - started);
    return [
      {
        name: `import, append phase: ${events.length} events in order, ${WINDOW} in flight (validated, predicted positions, acks checked)`,
        unit: "events/s",
        value: perSecond(events.length, phases.append!),
        baselineName: `raw JetStream publish (js.publish), ${WINDOW} in flight`,
        baseline,
      },
      {
        name: "import end to end: validate + spool, append, read-back check of every id",
        unit: "events/s",
        value: whole,
        baselineName: `raw JetStream publish (js.publish), ${WINDOW} in flight`,
        baseline,
      },
    ];
  } finally {
    await Promise.all([raw.cleanup(), ours.cleanup()]);
  }
}
