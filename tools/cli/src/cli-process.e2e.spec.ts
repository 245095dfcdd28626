import { spawn } from "node:child_process";
import { join } from "node:path";
import {
  newRequestId,
  openTestStore,
  REPO_ROOT,
  requestFlow,
  type TestStore,
  testNatsUrl,
} from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import cliPackage from "../package.json" with { type: "json" };

/** Runs the `reimagine` bin as a process; `firstLineOnly` closes its stdout after one line (`| head -1`). */
function reimagine(
  args: string[],
  env: Record<string, string>,
  options: { firstLineOnly?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "tools/cli/bin/reimagine.js"), ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (options.firstLineOnly && stdout.includes("\n")) {
        stdout = stdout.slice(0, stdout.indexOf("\n") + 1);
        child.stdout.destroy(); // the reader is gone, as `head -1` leaves
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the reimagine bin as a process", () => {
  let t: TestStore;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await openTestStore();
    const flows = Array.from({ length: 1500 }, () => requestFlow("notified", newRequestId()));
    await t.store.appendInOrder(flows.flat(), { afterPosition: 0 });
    env = {
      NATS_URL: testNatsUrl(),
      NATS_STREAM: t.layout.stream,
      NATS_SUBJECT_PREFIX: t.layout.allEvents.split(".")[0]!,
    };
  });
  afterAll(() => t.cleanup());

  it("export | head -1: one line out, nothing on stderr, exit 0", async () => {
    const run = await reimagine(["export"], env, { firstLineOnly: true });
    expect(JSON.parse(run.stdout)).toMatchObject({ type: "ImageSubmitted" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("--version prints the version; a bad variable is one line and exit 2", async () => {
    const version = await reimagine(["--version"], {});
    expect([version.code, version.stdout.trim()]).toEqual([0, cliPackage.version]);
    const bad = await reimagine(["events", newRequestId()], { ...env, LOG_LEVEL: "verbose" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'reimagine: invalid configuration: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")\n',
    );
  });
});
