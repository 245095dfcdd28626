import { metrics, type ObservableResult } from "@opentelemetry/api";

/**
 * Publishes `reimagine.projection.lag` (stream head − stored position; from the head seen last
 * while NATS is unreachable) and `reimagine.projection.stalled` (seconds behind the head without
 * progress, 0 while it keeps up) as observable gauges, read when the metrics SDK collects. Returns
 * the function that withdraws them. Register after telemetry has started: the metrics API has no
 * proxy, so a gauge made earlier stays a no-op.
 */
export function observeProjectionLag(source: {
  name: string;
  lag(): Promise<number>;
  stalledSeconds(): number;
}): () => void {
  const meter = metrics.getMeter("reimagine");
  const lagGauge = meter.createObservableGauge("reimagine.projection.lag", {
    description: "Events in the log not yet applied to the read model (stream head − stored position)",
    unit: "{event}",
  });
  const stalledGauge = meter.createObservableGauge("reimagine.projection.stalled", {
    description: "How long the projector has been behind the log without progress (0 while it keeps up)",
    unit: "s",
  });
  const attributes = { projection: source.name };
  const observeLag = async (result: ObservableResult) => {
    // Never seen the head at all: no observation beats a made-up one; readiness reports the outage.
    const lag = await source.lag().catch(() => null);
    if (lag !== null) result.observe(lag, attributes);
  };
  const observeStall = (result: ObservableResult) => result.observe(source.stalledSeconds(), attributes);
  lagGauge.addCallback(observeLag);
  stalledGauge.addCallback(observeStall);
  return () => {
    lagGauge.removeCallback(observeLag);
    stalledGauge.removeCallback(observeStall);
  };
}
