import { ConfigError, loadConfig } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { publicBaseUrlOf, requestLinks } from "./public-base-url";

const base = (env: Record<string, string>) => publicBaseUrlOf(loadConfig(env, {}));

describe("publicBaseUrlOf", () => {
  it("defaults to the command API on localhost at PORT", () => {
    expect(base({})).toBe("http://localhost:3000");
    expect(base({ PORT: "8080" })).toBe("http://localhost:8080");
  });

  it("keeps a path prefix and drops trailing slashes", () => {
    expect(base({ PUBLIC_BASE_URL: "https://example.com/reimagine/" })).toBe("https://example.com/reimagine");
    expect(base({ PUBLIC_BASE_URL: "https://example.com" })).toBe("https://example.com");
  });

  it("refuses what cannot be a link in an email", () => {
    expect(() => base({ PUBLIC_BASE_URL: "ftp://example.com" })).toThrowError(ConfigError);
    expect(() => base({ PUBLIC_BASE_URL: "https://example.com/?a=1" })).toThrowError(ConfigError);
  });
});

describe("requestLinks", () => {
  it("points at the image and the status of the request", () => {
    expect(requestLinks("https://example.com/r", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")).toEqual({
      imageUrl: "https://example.com/r/api/v1/request/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/image",
      pageUrl: "https://example.com/r/r/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
      statusUrl: "https://example.com/r/api/v1/request/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    });
  });
});
