import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { freePort, waitFor } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { connectNats, type NatsConnection } from "../nats-connection";
import { openKvRecordStore } from "./open-kv-record-store";

// A nats-server of our own (nats-server 2.9.10 from PATH), so the test can read its store's files.
let server: ChildProcess;
let storeDir: string;
let nc: NatsConnection;

beforeAll(async () => {
  storeDir = await mkdtemp(join(tmpdir(), "reimagine-erase-"));
  const port = await freePort();
  server = spawn("nats-server", ["-js", "-sd", storeDir, "-a", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  const url = `nats://127.0.0.1:${port}`;
  await waitFor(
    () =>
      connect({ servers: url, reconnect: false }).then(
        (c) => c.close().then(() => true),
        () => false,
      ),
    {
      what: "the private nats-server",
    },
  );
  nc = await connectNats(url, "reimagine-erase-test");
});
afterAll(async () => {
  await nc?.close();
  server?.kill("SIGTERM");
  await new Promise((resolve) => (server.exitCode === null ? server.once("exit", resolve) : resolve(null)));
  await rm(storeDir, { recursive: true, force: true });
});

/** Every file of the server's store that contains `needle`. */
async function filesHolding(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(storeDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

const Secret = z.object({ secret: z.string() });

describe("KvRecordStore.erase on disk (file storage, nats-server 2.9.10)", () => {
  it("leaves neither the value nor the key name in the server's files, where a KV purge leaves both", async () => {
    const bucket = `ERASE_${randomBytes(4).toString("hex").toUpperCase()}`;
    const store = await openKvRecordStore(jetstream(nc), {
      bucket,
      schema: Secret,
      replicas: 1,
      description: "t",
    });
    const kv = await new Kvm(jetstream(nc)).open(bucket);
    const erased = {
      key: `erased.k${randomBytes(6).toString("hex")}`,
      secret: randomBytes(16).toString("hex"),
    };
    const purged = {
      key: `purged.k${randomBytes(6).toString("hex")}`,
      secret: randomBytes(16).toString("hex"),
    };
    await store.create(erased.key, { secret: erased.secret });
    await store.create(purged.key, { secret: purged.secret });
    await nc.flush();
    expect(await filesHolding(erased.secret)).not.toEqual([]);

    expect(await store.erase(erased.key)).toBe(true);
    await kv.purge(purged.key);
    await nc.flush();

    // The control: what a purge leaves behind is what this test would see if erase did not work.
    expect(await filesHolding(purged.secret)).not.toEqual([]);
    expect(await filesHolding(erased.secret)).toEqual([]);
    expect(await filesHolding(erased.key)).toEqual([]);
  });
});
