import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  /** auto (the default): short human-readable lines on a terminal, JSON lines otherwise. */
  format?: "auto" | "json" | "pretty";
}

/** Fields a person reading a terminal wants on each line; everything else stays in the JSON logs. */
const TERMINAL_FIELDS = ["requestId", "eventType", "attempt", "reason", "url", "position", "lag"] as const;

/**
 * The one root logger of a process, with the service name on each line. JSON lines for machines;
 * on a terminal (or LOG_FORMAT=pretty) one short line per entry: time, level, component, message
 * and the few fields that say which request it is about.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    name: options.service,
    level: options.level ?? "info",
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["email", "*.email", "password", "*.password"], censor: "[redacted]" },
  };
  const format = options.format ?? "auto";
  const human = format === "pretty" || (format === "auto" && process.stdout.isTTY === true);
  return human ? pino(settings, terminalStream()) : pino(settings);
}

/** Short lines for a person: `12:01:02 WARN caption-handler: handler failed: will retry  request …9a0b`. */
function terminalStream(): DestinationStream {
  return pretty({
    colorize: true,
    sync: true,
    translateTime: "HH:MM:ss",
    hideObject: true,
    ignore: "pid,hostname",
    messageFormat: (log, messageKey) => {
      const who = log.component ?? log.service;
      const extras = TERMINAL_FIELDS.filter((k) => log[k] !== undefined).map((k) =>
        k === "requestId" ? `request …${String(log[k]).slice(-4)}` : `${k} ${String(log[k])}`,
      );
      const err = log.err as { message?: string } | undefined;
      if (err?.message) extras.push(err.message);
      return `${who}: ${String(log[messageKey] ?? "")}${extras.length > 0 ? `  (${extras.join(", ")})` : ""}`;
    },
  });
}

/** A logger for tests and tools that must stay quiet. */
export const silentLogger: Logger = pino({ level: "silent" });
