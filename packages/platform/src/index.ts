// What every service process stands on: configuration, logging, telemetry, probes and one shape of main.
export { ConfigError, loadConfig, requireConfig } from "./config/load-config";
export { type Config, ConfigSchema } from "./config/schema";
export {
  createLogger,
  createRootLogger,
  type Logger,
  type LoggerOptions,
  type RootLogger,
  silentLogger,
} from "./logging/logger";
export {
  type HealthServer,
  healthApp,
  type Readiness,
  type ReadinessCheck,
  type ReadinessDetails,
  runChecks,
  startHealthServer,
} from "./service/health-server";
export { type Stoppable, stopOnSignals } from "./service/lifecycle";
export {
  logPreflight,
  type NamedPreflightResult,
  type PreflightCheck,
  type PreflightResult,
  type PreflightStatus,
  runPreflight,
  startPreflight,
} from "./service/preflight";
export { runService, type ServiceReadiness, type ServiceScope } from "./service/run-service";
export { inSpan } from "./telemetry/in-span";
export { instruments } from "./telemetry/metrics";
export {
  startServiceTelemetry,
  startTelemetry,
  type Telemetry,
  type TelemetryOptions,
} from "./telemetry/start-telemetry";
export { contextFromTraceparent, currentTraceparent, tracer } from "./telemetry/trace-context";
