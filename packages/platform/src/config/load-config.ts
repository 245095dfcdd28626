import { type Config, ConfigSchema } from "./schema";

/** Raised when the environment is not a valid configuration; names every bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "CONFIG_INVALID";
}

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
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return Object.freeze(result.data);
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
