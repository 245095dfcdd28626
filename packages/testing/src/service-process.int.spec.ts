import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore, testNatsUrl } from "./nats";
import { startServiceProcess } from "./service-process";

describe("startServiceProcess", () => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await openTestStore();
    dir = await mkdtemp(join(tmpdir(), "reimagine-proc-"));
  });
  afterAll(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({
    NATS_URL: testNatsUrl(),
    NATS_STREAM: t.layout.stream,
    NATS_SUBJECT_PREFIX: t.layout.allEvents.split(".")[0],
    DATA_DIR: dir,
    LOG_LEVEL: "info",
  });

  it("starts a service as its own process, waits for /readyz and stops it gracefully", async () => {
    const proc = await startServiceProcess("caption-handler", env(), { logDir: dir });
    await proc.ready();
    const ready = await fetch(`${proc.probeUrl}/readyz`);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { nats: "ok", blobs: "ok" } });
    await proc.stop();
    expect(await proc.exited).toBe(0);
    expect(await readFile(proc.logFile, "utf8")).toContain("handler stopped");
  });

  it("kill() is a crash: the process ends on SIGKILL", async () => {
    const proc = await startServiceProcess("generation-handler", env(), { logDir: dir });
    await proc.ready();
    await proc.kill();
    expect(await proc.exited).toBe("SIGKILL");
  });

  it("ready() fails with the log's path when the process exits first", async () => {
    const proc = await startServiceProcess(
      "caption-handler",
      { ...env(), PORT: "not-a-port" },
      { logDir: dir },
    );
    await expect(proc.ready(10_000)).rejects.toThrow(
      /exited \(1\) before it was ready; see .*caption-handler/,
    );
    // a bad variable is one line naming it, not a stack
    expect((await readFile(proc.logFile, "utf8")).trim()).toBe(
      'caption-handler: invalid configuration: PORT: must be a whole number (got "not-a-port")',
    );
  });
});
