import { describe, expect, it, vi } from "vitest";
import type { Logger } from "../logging/logger";
import { logPreflight, type PreflightCheck, runPreflight } from "./preflight";

const check = (name: string, run: PreflightCheck["run"]): PreflightCheck => ({ name, run });

describe("runPreflight", () => {
  it("runs every check, a throw counting as a failure with its cause, a silent one failing when time is up", async () => {
    const results = await runPreflight(
      [
        check("fine", async () => ({ status: "ok", detail: "answers" })),
        check("broken", async () => {
          throw new Error("cannot reach the database", { cause: new Error('role "root" does not exist') });
        }),
        check(
          "silent",
          (signal) =>
            new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
        ),
        check("offline", async () => ({ status: "unchecked", detail: "no network" })),
      ],
      200,
    );
    expect(results).toEqual([
      { name: "fine", status: "ok", detail: "answers" },
      { name: "broken", status: "fail", detail: 'cannot reach the database: role "root" does not exist' },
      { name: "silent", status: "fail", detail: "no answer in 200 ms" },
      { name: "offline", status: "unchecked", detail: "no network" },
    ]);
  });
});

describe("logPreflight", () => {
  it("says each result in one line, at a level that matches", () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    logPreflight(logger as unknown as Logger, [
      { name: "NATS JetStream", status: "ok", detail: "stream answers" },
      { name: "caption model", status: "fail", detail: "x: no provider serves it" },
      { name: "HF token", status: "unchecked", detail: "offline" },
      { name: "generation model", status: "warn", detail: "offline demo mode" },
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      { preflight: "NATS JetStream", status: "ok" },
      "preflight ok: NATS JetStream: stream answers",
    );
    expect(logger.error).toHaveBeenCalledWith(
      { preflight: "caption model", status: "fail" },
      "preflight fail: caption model: x: no provider serves it",
    );
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });
});
