import { type Counter, type Histogram, type Meter, metrics } from "@opentelemetry/api";

interface Instruments {
  meter: Meter;
  eventsAppended: Counter;
  handlerDuration: Histogram;
  handlerOutcomes: Counter;
}

let cached: Instruments | null = null;

/**
 * The shared instruments. Re-created when the global meter provider changes, because the
 * metrics API (unlike tracing) has no proxy: instruments made before start-up would stay no-ops.
 */
export function instruments(): Instruments {
  const meter = metrics.getMeter("reimagine");
  if (cached?.meter === meter) return cached;
  cached = {
    meter,
    eventsAppended: meter.createCounter("reimagine.events.appended", {
      description: "Events appended to the log, by type",
    }),
    handlerDuration: meter.createHistogram("reimagine.handler.duration", {
      description: "Time a handler spent on one delivery",
      unit: "ms",
    }),
    handlerOutcomes: meter.createCounter("reimagine.handler.outcomes", {
      description:
        "Handler deliveries by outcome: ok, retry, failed (failure event), dead_letter, handed_back",
    }),
  };
  return cached;
}
