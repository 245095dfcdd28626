import { metrics, type ObservableResult } from "@opentelemetry/api";

/**
 * Publishes `reimagine.projection.lag` (stream head − stored position) as an observable gauge,
 * read when the metrics SDK collects. Returns the function that withdraws it. Register after
 * telemetry has started: the metrics API has no proxy, so a gauge made earlier stays a no-op.
 */
export function observeProjectionLag(source: { name: string; lag(): Promise<number> }): () => void {
  const gauge = metrics.getMeter("reimagine").createObservableGauge("reimagine.projection.lag", {
    description: "Events in the log not yet applied to the read model (stream head − stored position)",
    unit: "{event}",
  });
  const observe = async (result: ObservableResult) => {
    // NATS unreachable: no observation beats a made-up one; readiness reports the outage.
    const lag = await source.lag().catch(() => null);
    if (lag !== null) result.observe(lag, { projection: source.name });
  };
  gauge.addCallback(observe);
  return () => gauge.removeCallback(observe);
}
