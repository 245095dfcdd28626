import { type Attributes, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { tracer } from "./trace-context";

/** Runs `work` in a child span of the active one; an error is recorded on the span and rethrown. */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  kind: SpanKind = SpanKind.CLIENT,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await work();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
