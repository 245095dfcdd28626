import { randomBytes } from "node:crypto";
import { link, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "@reimagine/platform";

/** Who holds an embedded database: written into its lock file. */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Another process has the embedded database open; opening it a second time would corrupt it. */
export class DatabaseLockedError extends Error {
  override readonly name = "DatabaseLockedError";
  readonly code = "DATABASE_LOCKED";
  constructor(
    readonly dir: string,
    readonly owner: LockOwner | null,
    options?: { cause?: unknown },
  ) {
    const who = owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : "another process";
    super(`the embedded read model in ${dir} is in use by ${who} (a running reimagine server?)`, options);
  }
}

/** Where the embedded read model (PGlite) lives: DATA_DIR/pglite. */
export function pgliteDirOf(config: Pick<Config, "DATA_DIR">): string {
  return resolve(join(config.DATA_DIR, "pglite"));
}

const lockFileOf = (dir: string) => `${dir}.lock`;

/**
 * Takes the lock on an embedded database's directory: the file `<dir>.lock`, created only if
 * absent, holding the owner's pid. One process per PGlite directory; a lock whose process is gone
 * (on this host) is stale and taken over at once. Returns the release.
 */
export async function lockPgliteDirectory(dir: string): Promise<() => Promise<void>> {
  const file = lockFileOf(dir);
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 1; ; attempt++) {
    try {
      await writeFile(file, JSON.stringify(me), { flag: "wx" });
      return async () => {
        // Only our own lock: after a takeover (we were presumed dead) it is someone else's.
        if ((await readOwner(file))?.pid === me.pid) await unlink(file).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = await readOwner(file);
    if (attempt >= 5 || (owner !== null && isAlive(owner))) throw new DatabaseLockedError(dir, owner);
    // Unreadable: maybe being written this very moment. Look again before calling it stale.
    if (owner === null && attempt < 3) await sleep(100);
    else await removeStale(file, owner);
  }
}

/** The holder of the embedded database's lock while it is alive, else null. */
export async function pgliteOwner(dir: string): Promise<LockOwner | null> {
  const owner = await readOwner(lockFileOf(dir));
  return owner !== null && isAlive(owner) ? owner : null;
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(file, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.host === "string"
      ? { pid: owner.pid, host: owner.host, since: String(owner.since ?? "") }
      : null;
  } catch {
    return null; // gone, or half written by a process that is creating it right now
  }
}

/** A process on another host cannot be checked from here: its lock is presumed alive. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Moves a stale lock aside, then deletes it only if it is the one judged stale: of two processes
 * taking over at once, the second must not delete the lock the first has just created.
 */
async function removeStale(file: string, judged: LockOwner | null): Promise<void> {
  const aside = `${file}.stale-${randomBytes(4).toString("hex")}`;
  try {
    await rename(file, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readOwner(aside);
  const same = moved?.pid === judged?.pid && moved?.since === judged?.since;
  if (!same && moved !== null && isAlive(moved)) {
    // A live owner's lock: put it back, unless a new one already took its place.
    await link(aside, file).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}
