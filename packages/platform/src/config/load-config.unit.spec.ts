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

  it("names every bad variable in one line, with what it must be", () => {
    expect(() => loadConfig({}, { PORT: "http", S3_ENDPOINT: "not a url" })).toThrowError(
      new ConfigError(
        'invalid configuration: PORT: must be a whole number (got "http"); S3_ENDPOINT: must be a URL (got "not a url")',
      ),
    );
    expect(() => loadConfig({}, { LOG_LEVEL: "verbose" })).toThrowError(
      /^invalid configuration: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)$/,
    );
  });

  it("never repeats the value of a variable that may hold a secret", () => {
    const err = (() => {
      try {
        loadConfig({}, { SMTP_URL: "smtp://me:hunter2@" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/^invalid configuration: SMTP_URL: must be a URL$/);
  });

  it("takes the subject prefix from the stream name unless it is set", () => {
    expect(loadConfig({}, {}).NATS_SUBJECT_PREFIX).toBe("reimagine");
    expect(loadConfig({}, { NATS_STREAM: "STAGING" }).NATS_SUBJECT_PREFIX).toBe("staging");
    expect(loadConfig({}, { NATS_STREAM: "STAGING", NATS_SUBJECT_PREFIX: "x" }).NATS_SUBJECT_PREFIX).toBe(
      "x",
    );
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({}, { SMTP_URL: "", HF_TOKEN: "  " }).SMTP_URL).toBeUndefined();
  });

  it("lets overrides win over the environment", () => {
    expect(loadConfig({ PORT: 4000 }, { PORT: "5000" }).PORT).toBe(4000);
  });

  it("defaults to models that Inference Providers serve, and leaves generation parameters to the provider", () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({
      HF_CAPTION_MODE: "chatCompletion",
      HF_CAPTION_MODEL: "google/gemma-4-31B-it",
      HF_GENERATION_MODEL: "black-forest-labs/FLUX.1-schnell",
      HF_HUB_URL: "https://huggingface.co",
      CAPTION_MAX_SIDE: 1024,
      GENERATION_PROMPT_TEMPLATE: "{caption}",
    });
    expect(config.HF_GENERATION_WIDTH).toBeUndefined();
    expect(loadConfig({}, { HF_GENERATION_STEPS: "", HF_GENERATION_GUIDANCE: "3.5" })).toMatchObject({
      HF_GENERATION_STEPS: undefined,
      HF_GENERATION_GUIDANCE: 3.5,
    });
  });

  it("refuses generation settings that cannot work, naming them", () => {
    expect(() =>
      loadConfig(
        {},
        { HF_GENERATION_STEPS: "2.5", HF_GENERATION_WIDTH: "wide", GENERATION_PROMPT_TEMPLATE: "a painting" },
      ),
    ).toThrowError(
      /HF_GENERATION_STEPS: must be a whole number[\s\S]*GENERATION_PROMPT_TEMPLATE: must contain \{caption\}/,
    );
  });

  it("requireConfig names what a service is missing", () => {
    const config = loadConfig({}, {});
    expect(() => requireConfig(config, "projector", ["DATABASE_URL", "NATS_URL"])).toThrowError(
      new ConfigError("projector needs DATABASE_URL, NATS_URL (set in the environment)"),
    );
  });

  it("refuses an ADMIN_TOKEN shorter than 32 characters, naming the variable; unset keeps the admin API off", () => {
    expect(() => loadConfig({}, { ADMIN_TOKEN: "a" })).toThrowError(
      /ADMIN_TOKEN: must be at least 32 characters/,
    );
    expect(() => loadConfig({}, { ADMIN_TOKEN: "x".repeat(31) })).toThrowError(ConfigError);
    expect(loadConfig({}, { ADMIN_TOKEN: "x".repeat(32) }).ADMIN_TOKEN).toBe("x".repeat(32));
    expect(loadConfig({}, { ADMIN_TOKEN: "" }).ADMIN_TOKEN).toBeUndefined();
    expect(loadConfig({}, {})).toMatchObject({ ADMIN_HOST: "127.0.0.1", ADMIN_PORT: 3001 });
  });

  it("accepts a Standard Webhooks secret and names a bad one", () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    expect(loadConfig({ WEBHOOK_SECRET: secret }, {}).WEBHOOK_SECRET).toBe(secret);
    expect(loadConfig({}, {}).WEBHOOK_SECRET).toBeUndefined();
    for (const bad of ["whsec_short", `whsec_${Buffer.alloc(16).toString("base64")}`, "whsec_not base64!"]) {
      expect(() => loadConfig({ WEBHOOK_SECRET: bad }, {})).toThrowError(/WEBHOOK_SECRET: must be whsec_/);
    }
  });
});
