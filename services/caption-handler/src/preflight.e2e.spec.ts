import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type FakeHfHub,
  openTestStore,
  startFakeHfHub,
  startServiceProcess,
  type TestStore,
  testNatsUrl,
  waitFor,
} from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN = "hf_preflighte2etoken1";

describe("the caption-handler's start-up preflight (its own process)", () => {
  let t: TestStore;
  let hub: FakeHfHub;
  let dir: string;
  beforeAll(async () => {
    [t, hub, dir] = await Promise.all([
      openTestStore(),
      startFakeHfHub({
        token: TOKEN,
        models: {
          "Salesforce/blip-image-captioning-large": {
            mapping: [{ provider: "hf-inference", task: "image-to-text" }],
          },
        },
      }),
      mkdtemp(join(tmpdir(), "reimagine-preflight-")),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t.cleanup(), hub.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("says in one line each what it depends on, and names a caption model no provider serves for chat", async () => {
    const proc = await startServiceProcess(
      "caption-handler",
      {
        NATS_URL: testNatsUrl(),
        NATS_STREAM: t.layout.stream,
        NATS_SUBJECT_PREFIX: t.layout.allEvents.split(".")[0],
        DATA_DIR: dir,
        LOG_LEVEL: "info",
        HF_TOKEN: TOKEN,
        HF_HUB_URL: hub.baseUrl,
        HF_CAPTION_MODEL: "Salesforce/blip-image-captioning-large",
      },
      { logDir: dir },
    );
    try {
      await proc.ready();
      const lines = await waitFor(
        async () => {
          const found = (await readFile(proc.logFile, "utf8"))
            .split("\n")
            .filter((l) => l.includes('"preflight"'))
            .map((l) => JSON.parse(l) as { level: number; msg: string });
          return found.length === 4 ? found : undefined;
        },
        { what: "four preflight lines in the log" },
      );
      expect(lines.map((l) => l.msg).sort()).toEqual([
        "preflight fail: caption model: Salesforce/blip-image-captioning-large: no Inference Provider serves it for conversational, only for image-to-text",
        expect.stringMatching(/^preflight ok: HF token: valid, of test-user/),
        expect.stringMatching(/^preflight ok: NATS JetStream: stream \S+ answers/),
        expect.stringMatching(/^preflight ok: blob store: local-disk .*: answers$/),
      ]);
      // pino's error level: the failure stands out in the logs
      expect(lines.find((l) => l.msg.startsWith("preflight fail"))?.level).toBe(50);
    } finally {
      await proc.stop();
    }
  });
});
