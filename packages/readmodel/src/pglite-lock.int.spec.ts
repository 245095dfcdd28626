import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "./create-database";
import { DatabaseLockedError, lockPgliteDirectory, pgliteDirOf, pgliteOwner } from "./pglite-lock";

describe("the embedded read model (PGlite) has one process at a time", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "reimagine-pglite-lock-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("refuses a second opener while the first has it open, and lets one in once it closed", async () => {
    const config = loadConfig({ DATA_DIR: dataDir }, {});
    const dir = pgliteDirOf(config);
    expect(await pgliteOwner(dir)).toBeNull();
    const first = await createDatabase(config, silentLogger);
    try {
      expect(await pgliteOwner(dir)).toMatchObject({ pid: process.pid });
      const second = await createDatabase(config, silentLogger).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DatabaseLockedError);
      expect((second as Error).message).toMatch(
        new RegExp(
          `^the embedded read model in ${dir} is in use by process ${process.pid} on .*, since .* \\(a running reimagine server\\?\\)$`,
        ),
      );
    } finally {
      await first.close();
    }
    expect(await pgliteOwner(dir)).toBeNull();
    const third = await createDatabase(config, silentLogger);
    await third.close();
  });

  it("takes over a lock whose process is gone", async () => {
    const dir = join(dataDir, "crashed");
    await writeFile(`${dir}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), since: "earlier" }));
    const release = await lockPgliteDirectory(dir);
    expect(await pgliteOwner(dir)).toMatchObject({ pid: process.pid });
    await release();
    expect(await pgliteOwner(dir)).toBeNull();
  });

  it("never takes a live process's lock, and releasing leaves another owner's lock alone", async () => {
    const dir = join(dataDir, "taken");
    const mine = await lockPgliteDirectory(dir);
    await expect(lockPgliteDirectory(dir)).rejects.toBeInstanceOf(DatabaseLockedError);
    // presumed dead and taken over by process 1 (alive): our release must not remove its lock
    await writeFile(`${dir}.lock`, JSON.stringify({ pid: 1, host: hostname(), since: "now" }));
    await mine();
    expect(await pgliteOwner(dir)).toMatchObject({ pid: 1 });
  });
});
