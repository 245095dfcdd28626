import { type Context, context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";

/** The tracer every reimagine module uses; a no-op until an SDK is registered. */
export const tracer = trace.getTracer("reimagine");

/** The W3C traceparent of the active span, if a propagator is registered and a span is active. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** A context whose parent is the span named by a traceparent (or the root context without one). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}
