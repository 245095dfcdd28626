import { MetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { newEvent } from "@reimagine/contracts";
import { HandlerRuntime } from "@reimagine/reactor";
import { fixtureSealed, newRequestId, openTestStore, waitFor } from "@reimagine/testing";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logging/logger";
import { startTelemetry, type Telemetry } from "./start-telemetry";
import { currentTraceparent, tracer } from "./trace-context";

class TestReader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

describe("startTelemetry", () => {
  let telemetry: Telemetry | undefined;
  afterEach(async () => telemetry?.stop());

  it("ties an append and the handler that reacts to it into one trace, and counts both", async () => {
    const spans = new InMemorySpanExporter();
    const reader = new TestReader();
    telemetry = await startTelemetry({
      serviceName: "test",
      spanProcessors: [new SimpleSpanProcessor(spans)],
      metricReaders: [reader],
    });
    const t = await openTestStore();
    let handled = false;
    const runtime = new HandlerRuntime(
      t.store,
      {
        name: "traced",
        handles: ["ImageSubmitted"],
        async handle() {
          tracer.startActiveSpan("work", (s) => s.end());
          handled = true;
        },
      },
      {
        concurrency: 1,
        maxAttempts: 2,
        ackWaitMs: 5000,
        backoff: { baseMs: 10, maxMs: 10 },
        graceMs: 100,
        logger: silentLogger,
      },
    );
    try {
      await runtime.start();
      const requestId = newRequestId();
      await tracer.startActiveSpan("POST /api/v1/register", async (root) => {
        const event = newEvent(
          "ImageSubmitted",
          requestId,
          {
            personal: { sealed: fixtureSealed(requestId, "a@example.com") },
            originalKey: "k",
            contentType: "image/png",
            bytes: 1,
            width: 1,
            height: 1,
            sha256: "b".repeat(64),
          },
          { correlationId: requestId, causationId: "cmd", traceparent: currentTraceparent() },
        );
        await t.store.append(requestId, [event], "no_stream");
        root.end();
      });
      await waitFor(() => handled);
      const finished = await waitFor(() => {
        const s = spans.getFinishedSpans();
        return s.some((x) => x.name === "traced ImageSubmitted") ? s : null;
      });
      const byName = new Map(finished.map((s) => [s.name, s]));
      const root = byName.get("POST /api/v1/register")!;
      const append = byName.get("eventstore.append")!;
      const handler = byName.get("traced ImageSubmitted")!;
      const work = byName.get("work")!;
      const traceId = root.spanContext().traceId;
      for (const s of [append, handler, work]) expect(s.spanContext().traceId).toBe(traceId);
      expect(append.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(handler.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(work.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);

      const { resourceMetrics } = await reader.collect();
      const names = resourceMetrics.scopeMetrics.flatMap((m) => m.metrics.map((x) => x.descriptor.name));
      expect(names).toEqual(
        expect.arrayContaining([
          "reimagine.events.appended",
          "reimagine.handler.duration",
          "reimagine.handler.outcomes",
        ]),
      );
    } finally {
      await runtime.stop();
      await t.cleanup();
    }
  });
});
