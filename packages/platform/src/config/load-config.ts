import type * as z from "zod";
import { type Config, ConfigSchema } from "./schema";

/** Raised when the environment is not a valid configuration; one line naming every bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "CONFIG_INVALID";
}

/** Variables whose values are never repeated in an error: they may hold credentials. */
const SECRET = /TOKEN|SECRET|KEY|PASSWORD|_URL$/;

/**
 * Parses the environment once into a frozen Config. The only place that reads process.env.
 * `overrides` lets tests and the all-in-one start set values without touching the environment.
 */
export function loadConfig(
  overrides: Record<string, string | number | boolean | undefined> = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const input: Record<string, unknown> = { ...env };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) input[k] = String(v);
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => describeIssue(issue, input));
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  const parsed = result.data;
  return Object.freeze({
    ...parsed,
    NATS_SUBJECT_PREFIX: parsed.NATS_SUBJECT_PREFIX ?? parsed.NATS_STREAM.toLowerCase(),
  });
}

/** `PORT: must be a whole number (got "abc")`: the variable, what it must be, and what it was. */
function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const name = issue.path.join(".");
  const value = input[name];
  const shown =
    typeof value === "string" && !SECRET.test(name) && value.length <= 60
      ? ` (got ${JSON.stringify(value)})`
      : "";
  return `${name}: ${expectation(issue)}${shown}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  // The schema's own words ("must contain {caption}") say it best; zod's defaults get plainer ones.
  if (issue.message.startsWith("must ")) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "number" ? "must be a whole number" : `must be a ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "too_small":
      return `must be at least ${issue.minimum}`;
    case "too_big":
      return `must be at most ${issue.maximum}`;
    case "invalid_format":
      if (issue.format === "regex") return `must be ${issue.message}`;
      return issue.format === "url" ? "must be a URL" : `must be a ${issue.format}`;
    default:
      return issue.message;
  }
}

/** Asserts that a service started alone has the variables it cannot run without. */
export function requireConfig<K extends keyof Config>(
  config: Config,
  service: string,
  keys: K[],
): asserts config is Config & { [P in K]-?: NonNullable<Config[P]> } {
  const missing = keys.filter((k) => config[k] === undefined || config[k] === "");
  if (missing.length > 0) {
    throw new ConfigError(`${service} needs ${missing.join(", ")} (set in the environment)`);
  }
}
