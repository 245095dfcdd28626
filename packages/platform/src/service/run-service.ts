import { loadConfig } from "../config/load-config";
import type { Config } from "../config/schema";
import { createLogger, type Logger } from "../logging/logger";
import { startServiceTelemetry } from "../telemetry/start-telemetry";
import { type ReadinessCheck, type ReadinessDetails, startHealthServer } from "./health-server";
import { type Stoppable, stopOnSignals } from "./lifecycle";
import { type PreflightCheck, startPreflight } from "./preflight";

/** What a service's start function gets: its configuration, its logger, and a place to leave what must be stopped. */
export interface ServiceScope {
  config: Config;
  logger: Logger;
  /** Registers something to stop on shutdown (in reverse order of registration) and returns it. */
  own<T extends Stoppable>(part: T): T;
  /** Checks what the service depends on, in the background, and logs one line per check. */
  preflight(checks: readonly PreflightCheck[]): void;
}

/** What a worker service reports on HEALTH_PORT: the checks behind /readyz and extra body fields. */
export interface ServiceReadiness {
  checks: Record<string, ReadinessCheck>;
  details?: ReadinessDetails;
}

/**
 * The one shape of every service's main: configuration, logger and telemetry, then the service's
 * own start; its readiness (when it returns one) on HEALTH_PORT; a graceful stop on SIGTERM/SIGINT.
 * A service that cannot start stops what it started, says why, and exits 1.
 */
export async function runService(
  service: string,
  start: (scope: ServiceScope) => Promise<ServiceReadiness | undefined>,
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const parts: Stoppable[] = [];
  // Registered first so a signal during start-up still stops what has started.
  const shutdown = stopOnSignals(parts, logger);
  const own = <T extends Stoppable>(part: T): T => {
    parts.push(part);
    return part;
  };
  try {
    own(await startServiceTelemetry(config, service));
    const preflight = (checks: readonly PreflightCheck[]) => startPreflight(checks, logger);
    const readiness = await start({ config, logger, own, preflight });
    if (readiness) {
      own(startHealthServer({ port: config.HEALTH_PORT, host: config.HOST, logger, ...readiness }));
    }
  } catch (err) {
    logger.fatal({ err }, `${service} could not start`);
    await shutdown();
    process.exit(1);
  }
}
