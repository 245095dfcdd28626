import { randomBytes } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { loadConfig } from "@reimagine/platform";
import { openTestStore, testNatsUrl } from "@reimagine/testing";
import { afterEach, describe, expect, it } from "vitest";
import { SubjectsOverlapError, UnknownStreamError } from "./errors";
import { connectNats } from "./nats-connection";
import { openEventStore } from "./open-event-store";

const streamName = () => `T_${randomBytes(5).toString("hex").toUpperCase()}`;

describe("openEventStore (real NATS)", () => {
  const created: string[] = [];
  afterEach(async () => {
    const nc = await connectNats(testNatsUrl(), "cleanup");
    const jsm = await jetstreamManager(nc);
    for (const name of created.splice(0)) {
      await jsm.streams.delete(name).catch(() => undefined);
      await jsm.streams.delete(`${name}_DLQ`).catch(() => undefined);
    }
    await nc.close();
  });

  const streamExists = async (name: string) => {
    const nc = await connectNats(testNatsUrl(), "probe");
    try {
      const jsm = await jetstreamManager(nc);
      return await jsm.streams.info(name).then(
        () => true,
        () => false,
      );
    } finally {
      await nc.close();
    }
  };

  it("read-only: a missing stream is a one-line error naming NATS_STREAM, and nothing is created", async () => {
    const name = streamName();
    created.push(name);
    const config = loadConfig({ NATS_URL: testNatsUrl(), NATS_STREAM: name }, {});
    const err = await openEventStore(config, "test", { ensureStreams: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownStreamError);
    expect((err as Error).message).toMatch(
      new RegExp(`^no stream ${name} \\(the server has(: .*| none)\\) at nats://.*: check NATS_STREAM`),
    );
    expect((err as Error).message).not.toContain("\n");
    expect(await streamExists(name)).toBe(false);
    expect(await streamExists(`${name}_DLQ`)).toBe(false);
  });

  it("NATS_STREAM alone gets subjects of its own: the prefix follows the stream name", async () => {
    const name = streamName();
    created.push(name);
    const store = await openEventStore(
      loadConfig({ NATS_URL: testNatsUrl(), NATS_STREAM: name }, {}),
      "test",
    );
    try {
      expect(store.layout.allEvents).toBe(`${name.toLowerCase()}.events.>`);
      expect(await streamExists(name)).toBe(true);
    } finally {
      await store.stop();
    }
  });

  it("a subject conflict names the stream that has the subjects and NATS_SUBJECT_PREFIX", async () => {
    const t = await openTestStore();
    const name = streamName();
    created.push(name);
    try {
      const prefix = t.layout.allEvents.split(".")[0]!;
      const config = loadConfig(
        { NATS_URL: testNatsUrl(), NATS_STREAM: name, NATS_SUBJECT_PREFIX: prefix },
        {},
      );
      const err = await openEventStore(config, "test").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SubjectsOverlapError);
      expect((err as Error).message).toContain(`stream ${t.layout.stream} already has them`);
      expect((err as Error).message).toContain(`NATS_SUBJECT_PREFIX of its own (now "${prefix}")`);
      expect(await streamExists(name)).toBe(false);
    } finally {
      await t.cleanup();
    }
  });
});
