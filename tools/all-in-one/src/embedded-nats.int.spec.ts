import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { loadConfig, silentLogger } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { ensureNats } from "./embedded-nats";

describe("ensureNats", () => {
  it("uses NATS_URL as given", async () => {
    const nats = await ensureNats(loadConfig({ NATS_URL: "nats://example:4222" }, {}), silentLogger);
    expect(nats).toMatchObject({ url: "nats://example:4222", origin: "configured" });
  });

  it("uses the local server at 127.0.0.1:4222 when it answers", async () => {
    const nats = await ensureNats(loadConfig({}, {}), silentLogger);
    expect(nats).toMatchObject({ url: "nats://127.0.0.1:4222", origin: "local" });
  });

  it("starts nats-server from PATH with JetStream under DATA_DIR when nothing answers", async () => {
    const { startEmbeddedNatsServer } = await import("./embedded-nats-server");
    const dir = await mkdtemp(join(tmpdir(), "reimagine-nats-"));
    const server = await startEmbeddedNatsServer(join(dir, "nats"), silentLogger);
    try {
      const nc = await connect({ servers: server.url });
      const { jetstreamManager } = await import("@nats-io/jetstream");
      const info = await (await jetstreamManager(nc)).getAccountInfo();
      expect(info.limits).toBeDefined();
      await nc.close();
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
