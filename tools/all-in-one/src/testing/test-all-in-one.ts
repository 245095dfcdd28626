import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { type Config, loadConfig, silentLogger } from "@reimagine/platform";
import { testNatsUrl } from "@reimagine/testing";
import { type AllInOne, startAllInOne } from "../start-all-in-one";

/** An all-in-one for a test, on the test NATS with its own streams and data directory. */
export interface TestAllInOne {
  app: AllInOne;
  config: Config;
  dataDir: string;
  /** Stops it, deletes its streams and its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts the whole pipeline in this process with the embedded defaults (offline AI, PGlite, local
 * disk, outbox) on 127.0.0.1 and a free port; `overrides` change the configuration.
 */
export async function startTestAllInOne(
  name: string,
  overrides: Record<string, string | number | boolean> = {},
): Promise<TestAllInOne> {
  const id = randomBytes(4).toString("hex");
  const stream = `${name.toUpperCase()}_${id.toUpperCase()}`;
  const dataDir = await mkdtemp(join(tmpdir(), `reimagine-${name}-`));
  const config = loadConfig(
    {
      NATS_URL: testNatsUrl(),
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: `${name}${id}`,
      DATA_DIR: dataDir,
      PORT: 0,
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      ...overrides,
    },
    {},
  );
  const app = await startAllInOne(config, silentLogger);
  return {
    app,
    config,
    dataDir,
    async stop() {
      await app.stop();
      const nc = await connect({ servers: testNatsUrl() });
      const jsm = await jetstreamManager(nc);
      for await (const name of jsm.streams.names()) {
        if (name.includes(stream)) await jsm.streams.delete(name);
      }
      await nc.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
