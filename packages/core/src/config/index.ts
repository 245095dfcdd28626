export { ConfigError, loadConfig, requireConfig } from "./load-config";
export { type Config, ConfigSchema } from "./schema";
