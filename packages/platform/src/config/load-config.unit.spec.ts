import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, requireConfig } from "./load-config";

describe("loadConfig", () => {
  it("applies defaults and freezes the result", () => {
    const config = loadConfig({}, {});
    expect(config.PORT).toBe(3000);
    expect(config.NATS_STREAM).toBe("REIMAGINE");
    expect(config.NATS_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names every bad variable", () => {
    expect(() => loadConfig({}, { PORT: "http", S3_ENDPOINT: "not a url" })).toThrowError(
      /PORT[\s\S]*S3_ENDPOINT|S3_ENDPOINT[\s\S]*PORT/,
    );
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({}, { SMTP_URL: "", HF_TOKEN: "  " }).SMTP_URL).toBeUndefined();
  });

  it("lets overrides win over the environment", () => {
    expect(loadConfig({ PORT: 4000 }, { PORT: "5000" }).PORT).toBe(4000);
  });

  it("requireConfig names what a service is missing", () => {
    const config = loadConfig({}, {});
    expect(() => requireConfig(config, "projector", ["DATABASE_URL", "NATS_URL"])).toThrowError(
      new ConfigError("projector needs DATABASE_URL, NATS_URL (set in the environment)"),
    );
  });
});
