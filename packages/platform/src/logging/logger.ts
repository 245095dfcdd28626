import { type Logger, pino } from "pino";

export type { Logger };

/** The one root logger of a process: JSON lines on stdout, with the service name on each. */
export function createLogger(options: { service: string; level?: string }): Logger {
  return pino({
    name: options.service,
    level: options.level ?? "info",
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["email", "*.email", "password", "*.password"], censor: "[redacted]" },
  });
}

/** A logger for tests and tools that must stay quiet. */
export const silentLogger: Logger = pino({ level: "silent" });
