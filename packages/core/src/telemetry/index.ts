export { inSpan } from "./in-span";
export { instruments } from "./metrics";
export {
  startServiceTelemetry,
  startTelemetry,
  type Telemetry,
  type TelemetryOptions,
} from "./start-telemetry";
export { contextFromTraceparent, currentTraceparent, tracer } from "./trace-context";
