import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@reimagine/testing";
import { untilAnswers } from "./until-answers";

/** A nats-server with JetStream the suite owns: it can be killed and started again on the same store. */
export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: the server is gone at once, mid-write. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  destroy(): Promise<void>;
}

/** How to start one server: its client port, and the arguments for its store directory. */
export interface NatsServerSpec {
  port: number;
  args(store: string): string[];
  /** Extra variables for the process (a config file's `$NAME` references). */
  env?(store: string): Record<string, string>;
}

/** Starts `nats-server -js -sd <tmp> -p <free port>` (Debian's nats-server, on PATH). */
export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const server = await natsServer({
    port,
    args: (store) => ["-js", "-sd", store, "-a", "127.0.0.1", "-p", String(port)],
  });
  await server.start();
  return server;
}

/** A server of the suite, not started yet; its store is a fresh temporary directory. */
export async function natsServer(spec: NatsServerSpec): Promise<NatsServer> {
  const { port } = spec;
  const store = await mkdtemp(join(tmpdir(), "reimagine-chaos-nats-"));
  let child: ChildProcess | null = null;
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      const started = spawn("nats-server", spec.args(store), {
        stdio: "ignore",
        env: { ...process.env, ...spec.env?.(store) },
      });
      child = started;
      await untilAnswers(port, 20_000, () => started.exitCode !== null);
    },
    async kill() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGKILL");
      await exited;
    },
    async destroy() {
      await server.kill();
      await rm(store, { recursive: true, force: true });
    },
  };
  return server;
}
