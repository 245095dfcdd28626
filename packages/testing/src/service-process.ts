import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, compiledEntry, NODE_ENV_VARS, nodeOptionsOf } from "../../../scripts/build.mjs";

/** The repository root, from this file's place in packages/testing/src. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The processes reimagine runs: the five services and the all-in-one. */
export type ServiceName =
  | "command-api"
  | "caption-handler"
  | "generation-handler"
  | "projector"
  | "notifier"
  | "all-in-one";

/** A service started as its own operating-system process, as in production. */
export interface ServiceProcess {
  name: ServiceName;
  readonly pid: number;
  /** Where its /healthz and /readyz answer (PORT for the API and the all-in-one, HEALTH_PORT otherwise). */
  probeUrl: string;
  /** HEALTH_PORT: the probes of every service while it starts (waiting for its dependencies). */
  healthUrl: string;
  /** Its stdout and stderr, one file. */
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
  /** Waits until /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * The command line that runs a service as production does: its compiled entry (built first when a
 * source changed since the last build). The one place that knows how services start as processes.
 */
export async function serviceCommand(name: ServiceName): Promise<{ command: string; args: string[] }> {
  await build([name], { ifStale: true });
  return { command: process.execPath, args: [...nodeOptionsOf(name), compiledEntry(name)] };
}

/**
 * Starts a service as a child process with exactly `env` (plus PATH and a free probe port) and its
 * output in `logDir/<name>-<pid>.log`. Does not wait for it to be ready: call `ready()`.
 */
export async function startServiceProcess(
  name: ServiceName,
  env: Record<string, string | undefined>,
  options: { logDir: string },
): Promise<ServiceProcess> {
  const port = await freePort();
  const usesPort = name === "command-api" || name === "all-in-one";
  const healthPort = usesPort ? await freePort() : port;
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOST: "127.0.0.1",
    ...NODE_ENV_VARS,
  };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) fullEnv[k] = v;
  fullEnv.HEALTH_PORT = String(healthPort);
  if (usesPort) fullEnv.PORT = String(port);
  const { command, args } = await serviceCommand(name);
  await mkdir(options.logDir, { recursive: true });
  const child: ChildProcess = spawn(command, args, {
    cwd: REPO_ROOT,
    env: fullEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logFile = join(options.logDir, `${name}-${child.pid}.log`);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | string>((ok) =>
    child.once("exit", (code, signal) => {
      log.end();
      ok(code ?? signal ?? "unknown");
    }),
  );
  const probeUrl = `http://127.0.0.1:${port}`;
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number) => {
    if (ended()) return;
    const force = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.kill(signal);
    await exited;
    clearTimeout(force);
  };
  return {
    name,
    pid: child.pid ?? -1,
    probeUrl,
    healthUrl: `http://127.0.0.1:${healthPort}`,
    logFile,
    exited,
    stop: (graceMs = 15_000) => signalAndWait("SIGTERM", graceMs),
    kill: () => signalAndWait("SIGKILL", 5000),
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = "no answer";
      while (Date.now() < deadline) {
        if (ended()) throw new Error(`${name} exited (${await exited}) before it was ready; see ${logFile}`);
        try {
          const res = await fetch(`${probeUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
          if (res.ok) return;
          last = `${res.status} ${await res.text()}`;
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${name} not ready after ${timeoutMs} ms (last: ${last}); see ${logFile}`);
    },
  };
}
