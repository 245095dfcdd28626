import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError, loadConfig } from "../config/load-config";
import type { Config } from "../config/schema";
import { createRootLogger, type Logger } from "../logging/logger";
import { startServiceTelemetry } from "../telemetry/start-telemetry";
import { type Readiness, startHealthServer } from "./health-server";
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
  /**
   * A start-up step that needs a dependency (NATS, Postgres, S3, SMTP): tried until it succeeds,
   * with backoff, while /readyz says `starting: waiting for <name>: <why>`. A service waits for
   * what it needs instead of exiting; only an error marked `retryable: false` (a setting that can
   * never work) ends the start.
   */
  dependency<T>(name: string, open: () => Promise<T>): Promise<T>;
  /**
   * What the process says it is, for a person: printed on stdout once start-up is done. On a
   * terminal it comes first; the info lines of the start-up are not shown (warnings are).
   */
  banner(text: string): void;
}

/** What a worker service reports on HEALTH_PORT: the checks behind /readyz and extra body fields. */
export type ServiceReadiness = Readiness;

/** Waits between attempts at a dependency: short, so a service is back within seconds of it. */
const RETRY_MS = { first: 500, max: 3000 };

/**
 * The one shape of every service's main: configuration (a bad variable is one line on stderr and
 * exit 1), logger and telemetry, the probe endpoints on HEALTH_PORT from the first moment (not
 * ready while starting, saying what it waits for), then the service's own start; its readiness
 * (when it returns one) then answers on HEALTH_PORT. A graceful stop on SIGTERM/SIGINT. A service
 * that cannot start for another reason stops what it started, says why, and exits 1.
 */
export async function runService(
  service: string,
  start: (scope: ServiceScope) => Promise<ServiceReadiness | undefined>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${service}: ${err.message}\n`);
    process.exit(1);
  }
  const root = createRootLogger({ service, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const { logger } = root;
  let bannerText: string | null = null;
  const parts: Stoppable[] = [];
  const starting = new AbortController();
  // Registered first so a signal during start-up still stops what has started (and any wait).
  const shutdown = stopOnSignals(parts, logger, () => starting.abort());
  const own = <T extends Stoppable>(part: T): T => {
    parts.push(part);
    return part;
  };
  let waitingFor: string | null = null;
  const startup: Readiness = {
    checks: {
      startup: async () => {
        throw new Error(waitingFor ? `starting: waiting for ${waitingFor}` : "starting");
      },
    },
  };
  const dependency = async <T>(name: string, open: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      starting.signal.throwIfAborted();
      try {
        const value = await open();
        if (attempt > 1)
          logger.info({ dependency: name, attempts: attempt }, `${name} is available: starting`);
        waitingFor = null;
        return value;
      } catch (err) {
        if ((err as { retryable?: boolean }).retryable === false || err instanceof ConfigError) throw err;
        waitingFor = `${name}: ${(err as Error).message ?? String(err)}`;
        const delayMs = Math.min(RETRY_MS.max, RETRY_MS.first * 2 ** (attempt - 1));
        logger.warn({ err, dependency: name, attempt, retryInMs: delayMs }, `waiting for ${name}`);
        await sleep(delayMs, undefined, { signal: starting.signal });
      }
    }
  };
  try {
    own(await startServiceTelemetry(config, service));
    const health = own(
      startHealthServer({ port: config.HEALTH_PORT, host: config.HOST, logger, readiness: startup }),
    );
    const preflight = (checks: readonly PreflightCheck[]) => startPreflight(checks, logger);
    const banner = (text: string) => {
      bannerText = text;
    };
    const readiness = await start({ config, logger, own, dependency, preflight, banner });
    if (bannerText !== null) process.stdout.write(bannerText);
    root.started();
    if (readiness) health.serve(readiness);
    // A service without readiness serves its own probes (the API, on PORT) once it is up.
    else await health.stop();
  } catch (err) {
    if (starting.signal.aborted) return; // stopped by a signal while starting: shutdown exits
    logger.fatal({ err }, `${service} could not start`);
    await shutdown();
    process.exit(1);
  }
}
