import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { MetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { Config } from "../config/schema";

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (e.g. http://jaeger:4318); traces and metrics are exported there when set. */
  otlpEndpoint?: string;
  /** Export metrics to the OTLP endpoint too (default true); false for trace-only backends. */
  exportMetrics?: boolean;
  /** Extra span processors (tests use an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  metricReaders?: MetricReader[];
}

export interface Telemetry {
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts tracing and metrics for the process. Trace ids are always generated and propagated (so
 * the traceparent in events and NATS headers ties a request together even without a collector);
 * spans and metrics leave the process only when an OTLP endpoint is configured. The OTLP exporters
 * and the metrics SDK are loaded only when something will read what they make (~10 MB of a
 * service's memory otherwise).
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const resource = resourceFromAttributes({ "service.name": options.serviceName });
  const spanProcessors = [...(options.spanProcessors ?? [])];
  const readers = [...(options.metricReaders ?? [])];
  if (options.otlpEndpoint) {
    const base = options.otlpEndpoint.replace(/\/+$/, "");
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` })));
    if (options.exportMetrics !== false) {
      const [{ OTLPMetricExporter }, { PeriodicExportingMetricReader }] = await Promise.all([
        import("@opentelemetry/exporter-metrics-otlp-http"),
        import("@opentelemetry/sdk-metrics"),
      ]);
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
          exportIntervalMillis: 15_000,
        }),
      );
    }
  }
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
  tracerProvider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });
  // With no reader, measurements would go nowhere: the metrics API's no-op meter takes them instead.
  let meterProvider: { shutdown(): Promise<void> } | undefined;
  if (readers.length > 0) {
    const { MeterProvider } = await import("@opentelemetry/sdk-metrics");
    const provider = new MeterProvider({ resource, readers });
    metrics.setGlobalMeterProvider(provider);
    meterProvider = provider;
  }
  return {
    name: "telemetry",
    async stop() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider?.shutdown()]);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** Telemetry of one service as the configuration asks (OTEL_* variables). */
export function startServiceTelemetry(
  config: Pick<Config, "OTEL_SERVICE_NAME" | "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_METRICS_EXPORTER">,
  service: string,
): Promise<Telemetry> {
  return startTelemetry({
    serviceName: config.OTEL_SERVICE_NAME ?? service,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    exportMetrics: config.OTEL_METRICS_EXPORTER === "otlp",
  });
}
