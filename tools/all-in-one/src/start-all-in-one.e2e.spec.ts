import { randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createCliContext, runCli } from "@reimagine/cli";
import { loadConfig, startTelemetry, type Telemetry } from "@reimagine/platform";
import { makeJpeg, makePng, testNatsUrl, waitFor } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllInOne } from "./start-all-in-one";
import { startTestAllInOne, type TestAllInOne } from "./testing/test-all-in-one";

describe("the all-in-one process, end to end (offline AI, PGlite, local disk, outbox)", () => {
  const ADMIN_TOKEN = `e2e-admin-token-${randomBytes(16).toString("hex")}`;
  let running: TestAllInOne;
  let app: AllInOne;
  let dataDir: string;
  let telemetry: Telemetry;
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    telemetry = await startTelemetry({
      serviceName: "e2e",
      spanProcessors: [new SimpleSpanProcessor(spans)],
    });
    running = await startTestAllInOne("e2e", {
      PUBLIC_BASE_URL: "http://reimagine.test",
      ADMIN_TOKEN,
      ADMIN_PORT: 0,
    });
    ({ app, dataDir } = running);
  });

  afterAll(async () => {
    await running?.stop();
    await telemetry?.stop();
  });

  it("takes a photo to an email with a working link, in one trace", async () => {
    const form = new FormData();
    form.set("image", new Blob([await makeJpeg(320, 200, { r: 200, g: 40, b: 40 })]), "photo.jpg");
    form.set("email", "me@example.com");
    const res = await fetch(`${app.url}/api/v1/register`, { method: "POST", body: form });
    expect(res.status).toBe(202);
    const { id: requestId } = (await res.json()) as { id: string };

    const status = await waitFor(
      async () => {
        const r = await fetch(`${app.url}/api/v1/request/${requestId}`);
        const body = (await r.json()) as { status: string; history: { type: string }[] };
        return body.status === "notified" ? body : null;
      },
      { timeoutMs: 30_000, what: "the request to be notified" },
    );
    expect(status.history.map((h) => h.type)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
      "ImageGenerated",
      "UserNotified",
    ]);

    const image = await fetch(`${app.url}/api/v1/request/${requestId}/image`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");

    const outbox = join(dataDir, "outbox");
    const [eml] = (await readdir(outbox)).filter((f) => f.endsWith(".eml"));
    const mail = await readFile(join(outbox, eml!), "utf8");
    expect(mail).toContain("To: me@example.com");
    expect(mail.replace(/=\r?\n/g, "")).toContain(`http://reimagine.test/api/v1/request/${requestId}/image`);

    // One trace: the POST, every handler, the AI calls, blob writes, the mail and the projector.
    const all = await waitFor(
      () => {
        const finished = spans.getFinishedSpans();
        return finished.some((s) => s.name === "project UserNotified") ? finished : null;
      },
      { what: "the projector's span of UserNotified" },
    );
    const root = all.find((s) => s.name === "POST /api/v1/register");
    expect(root).toBeDefined();
    const trace = all.filter((s) => s.spanContext().traceId === root!.spanContext().traceId);
    const names = new Set(trace.map((s) => s.name));
    for (const expected of [
      "eventstore.append",
      "blob.put",
      "caption_handler ImageSubmitted",
      "blob.get",
      "ai.caption",
      "generation_handler CaptionProduced",
      "ai.generate",
      "notifier ImageGenerated",
      "mail.send",
      "project ImageSubmitted",
      "project CaptionProduced",
      "project ImageGenerated",
      "project UserNotified",
    ]) {
      expect(names, `span ${expected}`).toContain(expected);
    }
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const parentName = (name: string) =>
      byId.get(trace.find((s) => s.name === name)!.parentSpanContext!.spanId)?.name;
    expect(parentName("ai.caption")).toBe("caption_handler ImageSubmitted");
    expect(parentName("ai.generate")).toBe("generation_handler CaptionProduced");
    expect(parentName("mail.send")).toBe("notifier ImageGenerated");
  });

  it("`reimagine submit --wait` submits through the API and follows the request to the end", async () => {
    const photo = join(dataDir, "photo.png");
    await writeFile(photo, await makePng(64, 64, { r: 10, g: 200, b: 90 }));
    const out: string[] = [];
    const err: string[] = [];
    const { NATS_STREAM, NATS_SUBJECT_PREFIX } = running.config;
    const config = loadConfig(
      { NATS_URL: testNatsUrl(), NATS_STREAM, NATS_SUBJECT_PREFIX, DATA_DIR: dataDir },
      {},
    );
    const code = await runCli(
      ["submit", photo, "--email", "cli@example.com", "--wait", "--api", app.url],
      createCliContext({ config, out: (l) => out.push(l), err: (l) => err.push(l) }),
    );
    expect(code).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36}$/),
      `${app.url}/api/v1/request/${out[0]}/image`,
    ]);
    expect(err.map((l) => l.split(/\s+/)[1])).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
      "ImageGenerated",
      "UserNotified",
    ]);
    const bad = await runCli(
      ["submit", join(dataDir, "outbox"), "--email", "cli@example.com", "--api", app.url],
      createCliContext({ config, out: () => {}, err: (l) => err.push(l) }),
    );
    expect(bad).toBe(2);
  });

  it("the CLI never opens the server's embedded read model: status from the log, the rest through the admin API", async () => {
    const cli = async (env: Record<string, string>, ...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const config = loadConfig(
        {
          NATS_URL: testNatsUrl(),
          NATS_STREAM: running.config.NATS_STREAM,
          NATS_SUBJECT_PREFIX: running.config.NATS_SUBJECT_PREFIX,
          DATA_DIR: dataDir,
          PORT: new URL(app.url).port,
          ADMIN_PORT: new URL(app.adminUrl!).port,
          ...env,
        },
        {},
      );
      const code = await runCli(
        argv,
        createCliContext({ config, out: (l) => out.push(l), err: (l) => err.push(l) }),
      );
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const form = new FormData();
    form.set("image", new Blob([await makeJpeg(40, 40)]), "photo.jpg");
    form.set("email", "lock@example.com");
    const { id: requestId } = (await (
      await fetch(`${app.url}/api/v1/register`, { method: "POST", body: form })
    ).json()) as { id: string };

    const status = await cli({}, "status", requestId);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(
      /\(from the event log \(the read model is open in the running server, process \d+\)\)/,
    );

    const refused = await cli({}, "verify");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^reimagine: verify needs the read model, .* set ADMIN_TOKEN to the server's/,
    );

    await waitFor(async () => (await cli({ ADMIN_TOKEN }, "verify")).code === 0, {
      timeoutMs: 30_000,
      what: "verify through the admin API to find the read model caught up",
    });
    const replay = await cli({ ADMIN_TOKEN }, "replay");
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/^rebuilt requests: \d+ event\(s\), \d+ request\(s\)/);
    expect(await cli({ ADMIN_TOKEN }, "verify")).toMatchObject({ code: 0 });
  });
});
