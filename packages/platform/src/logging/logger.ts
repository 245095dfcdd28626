import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  /** auto (the default): short human-readable lines on a terminal, JSON lines otherwise. */
  format?: "auto" | "json" | "pretty";
  /** Where lines go (default stdout): tests read them here. */
  destination?: NodeJS.WritableStream;
}

/** A root logger, and (on a terminal) the gate that holds back info lines while the process starts. */
export interface RootLogger {
  logger: Logger;
  /** True when lines are for a person (a terminal, or LOG_FORMAT=pretty). */
  human: boolean;
  /** Lets every line through from now on (a terminal shows only warnings before it). */
  started(): void;
}

/** Fields a person reading a terminal wants on each line; everything else stays in the JSON logs. */
const TERMINAL_FIELDS = ["requestId", "eventType", "attempt", "reason", "url", "position", "lag"] as const;

/**
 * The one root logger of a process, with the service name on each line. JSON lines for machines;
 * on a terminal (or LOG_FORMAT=pretty) one short line per entry: time, level, component, message
 * and the few fields that say which request it is about.
 */
export function createLogger(options: LoggerOptions): Logger {
  return createRootLogger(options).logger;
}

/**
 * Like createLogger, for a process's main: on a terminal, start-up chatter below "warn" is held
 * back until `started()`, so the first thing a person reads is what the process says it is.
 */
export function createRootLogger(options: LoggerOptions): RootLogger {
  const settings = {
    name: options.service,
    level: options.level ?? "info",
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["email", "*.email", "password", "*.password"], censor: "[redacted]" },
  };
  const format = options.format ?? "auto";
  const human = format === "pretty" || (format === "auto" && process.stdout.isTTY === true);
  if (!human) {
    const logger = options.destination ? pino(settings, options.destination) : pino(settings);
    return { logger, human, started: () => undefined };
  }
  const terminal = terminalStream(options.destination);
  let open = false;
  const gated: DestinationStream = {
    write(line: string) {
      if (open || levelOf(line) >= WARN) terminal.write(line);
    },
  };
  return {
    logger: pino(settings, gated),
    human,
    started: () => {
      open = true;
    },
  };
}

const WARN = 40;

/** The numeric level of a pino JSON line. */
function levelOf(line: string): number {
  const match = /"level":(\d+)/.exec(line);
  return match ? Number(match[1]) : WARN;
}

/** Short lines for a person: `[12:01:02] WARN: caption-handler: handler failed: will retry  (request …9a0b)`. */
function terminalStream(destination?: NodeJS.WritableStream): DestinationStream {
  return pretty({
    ...(destination ? { destination } : {}),
    colorize: true,
    sync: true,
    translateTime: "HH:MM:ss",
    hideObject: true,
    ignore: "pid,hostname,name",
    messageFormat: (log, messageKey) => {
      const message = String(log[messageKey] ?? "");
      // the component within a process (the all-in-one runs five); the service is the process itself
      const who =
        typeof log.component === "string" && !message.startsWith(`${log.component}:`)
          ? `${log.component}: `
          : "";
      const http =
        typeof log.method === "string" && typeof log.path === "string"
          ? [
              `${log.method} ${log.path}${log.status !== undefined ? ` → ${log.status}` : ""}${log.ms !== undefined ? ` in ${log.ms} ms` : ""}`,
            ]
          : [];
      const extras = [
        ...http,
        ...TERMINAL_FIELDS.filter((k) => log[k] !== undefined).map((k) =>
          k === "requestId" ? `request …${String(log[k]).slice(-4)}` : `${k} ${String(log[k])}`,
        ),
      ];
      const err = log.err as { message?: string } | undefined;
      if (err?.message) extras.push(err.message);
      return `${who}${message}${extras.length > 0 ? `  (${extras.join(", ")})` : ""}`;
    },
  });
}

/** A logger for tests and tools that must stay quiet. */
export const silentLogger: Logger = pino({ level: "silent" });
