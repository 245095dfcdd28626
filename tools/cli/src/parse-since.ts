import { CliError } from "./cli-error";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO date/time, or a duration back from now such as 30m, 2h, 7d. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d+)([smhd])$/.exec(value.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNITS[relative[2]!]!);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new CliError(
      `--since: "${value}" is neither a date/time (2026-11-29T10:00Z) nor a duration (30m, 2h, 7d)`,
      2,
    );
  }
  return new Date(parsed);
}
