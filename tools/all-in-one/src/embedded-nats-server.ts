import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { connect } from "@nats-io/transport-node";
import type { Logger } from "@reimagine/platform";

/** No NATS could be found or started; the message says how to get one. */
class NatsUnavailableError extends Error {
  override readonly name = "NatsUnavailableError";
  readonly code = "NATS_UNAVAILABLE";
}

/** Starts `nats-server -js` from PATH on a free loopback port with its store in `storeDir`. */
export async function startEmbeddedNatsServer(
  storeDir: string,
  logger: Logger,
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  await mkdir(storeDir, { recursive: true });
  const child = spawn("nats-server", ["-js", "-sd", storeDir, "-a", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const url = `nats://127.0.0.1:${port}`;
  const started = await Promise.race([
    waitUntilAnswers(url, 10_000),
    new Promise<false>((resolve) => child.once("error", () => resolve(false))),
  ]);
  if (!started) {
    child.kill("SIGKILL");
    throw new NatsUnavailableError(
      "no NATS: set NATS_URL, run nats-server -js on 127.0.0.1:4222, or put nats-server on PATH " +
        "(Debian/Ubuntu: apt-get install nats-server; elsewhere see docs.nats.io, Installing a NATS Server)",
    );
  }
  logger.info({ url, storeDir, pid: child.pid }, "started an embedded nats-server with JetStream");
  return { url, stop: () => stopChild(child) };
}

async function waitUntilAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(url)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** True when a NATS server accepts a connection at `url` within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 1000, reconnect: false });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}
