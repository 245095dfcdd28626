import { execFile } from "node:child_process";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@reimagine/testing";

const run = promisify(execFile);

/** Debian's PostgreSQL binaries; CHAOS_PG_BIN points elsewhere. */
const BIN = process.env.CHAOS_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** A Postgres cluster the suite owns (its own data directory and port): it can be stopped and started. */
export interface PostgresCluster {
  /** A database URL for the cluster's `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m fast`: connections are cut, new ones refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/**
 * initdb + pg_ctl in a temporary directory on a free port. Postgres refuses to run as root, so as
 * root the binaries run as the `postgres` user (runuser), which then owns the directory.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "reimagine-chaos-pg-"));
  const data = join(dir, "data");
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(BIN, tool), ...args]) : run(join(BIN, tool), args);
  await pg("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pg("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
    },
    async stop() {
      await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    async destroy() {
      await cluster.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
