import { silentLogger } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { ReadModelUnavailableError, ReconnectingReader } from "./reconnecting-reader";

const ID = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";

describe("ReconnectingReader", () => {
  it("opens on first use, once, and closes what it opened", async () => {
    let opens = 0;
    let closes = 0;
    const reader = new ReconnectingReader(
      async () => {
        opens += 1;
        const close = async () => {
          closes += 1;
        };
        return { reader: { get: async () => null }, close };
      },
      { logger: silentLogger },
    );
    expect(opens).toBe(0);
    await Promise.all([reader.get(ID), reader.get(ID)]);
    expect(opens).toBe(1);
    await reader.close();
    expect(closes).toBe(1);
  });

  it("fails fast between attempts after a failed open, and opens again once retryMs has passed", async () => {
    let now = 0;
    let down = true;
    let opens = 0;
    const reader = new ReconnectingReader(
      async () => {
        opens += 1;
        if (down) throw new Error("ECONNREFUSED");
        return { reader: { get: async () => null }, close: async () => undefined };
      },
      { logger: silentLogger, retryMs: 1000, now: () => now },
    );
    await expect(reader.get(ID)).rejects.toThrow("ECONNREFUSED");
    now = 999;
    await expect(reader.get(ID)).rejects.toBeInstanceOf(ReadModelUnavailableError);
    expect(opens).toBe(1);
    down = false;
    now = 1000;
    expect(await reader.get(ID)).toBeNull();
    expect(opens).toBe(2);
  });

  it("closes cleanly when it never opened", async () => {
    await new ReconnectingReader(() => Promise.reject(new Error("never")), { logger: silentLogger }).close();
  });
});
