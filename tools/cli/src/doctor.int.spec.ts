import { createBlobStore } from "@reimagine/blobs";
import { loadConfig } from "@reimagine/platform";
import {
  closedPort,
  type FakeHfHub,
  type FakeHfServer,
  openTestStore,
  type SmtpSink,
  startFakeHfHub,
  startFakeHfServer,
  startS3Server,
  startSmtpSink,
  type TestS3Server,
  type TestStore,
  testDatabaseUrl,
} from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliAgainst } from "./testing/run-cli-against";

const TOKEN = "hf_doctortoken12345";
let t: TestStore;
let s3: TestS3Server;
let smtp: SmtpSink;
let hub: FakeHfHub;
let models: FakeHfServer;
let everything: Record<string, string>;

beforeAll(async () => {
  [t, s3, smtp, models] = await Promise.all([
    openTestStore(),
    startS3Server(),
    startSmtpSink(),
    startFakeHfServer({ token: TOKEN }),
  ]);
  hub = await startFakeHfHub({
    token: TOKEN,
    models: {
      "google/gemma-4-31B-it": { mapping: [{ provider: "novita", task: "conversational" }] },
      "black-forest-labs/FLUX.1-schnell": { mapping: [{ provider: "nscale", task: "text-to-image" }] },
      "Salesforce/blip-image-captioning-large": {
        mapping: [{ provider: "hf-inference", task: "image-to-text" }],
      },
    },
  });
  everything = {
    DATABASE_URL: testDatabaseUrl(),
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY: s3.accessKey,
    S3_SECRET_KEY: s3.secretKey,
    S3_BUCKET_ORIGINALS: "doctor-originals",
    S3_BUCKET_GENERATED: "doctor-generated",
    SMTP_URL: smtp.url,
    HF_TOKEN: TOKEN,
    HF_HUB_URL: hub.baseUrl,
  };
  await createBlobStore(loadConfig(everything, {})).ensureBuckets(["doctor-originals", "doctor-generated"]);
});
afterAll(() => Promise.all([t.cleanup(), s3.stop(), smtp.stop(), hub.close(), models.close()]));

const doctor = (overrides: Record<string, string> = {}, ...flags: string[]) =>
  cliAgainst(t, { ...everything, ...overrides })("doctor", ...flags);
const lineOf = (out: string, name: string) => out.split("\n").find((l) => l.includes(` ${name} `)) ?? "";

describe("reimagine doctor", () => {
  it("prints the whole picture, one line each, and exits 0 when everything is ready", async () => {
    const run = await doctor();
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    for (const name of [
      "NATS JetStream",
      "Postgres (read model)",
      "bucket doctor-originals",
      "bucket doctor-generated",
      "mail",
      "HF token",
      "caption model",
      "generation model",
    ]) {
      expect(lineOf(run.out, name)).toMatch(/^ok {10}/);
    }
    expect(lineOf(run.out, "caption model")).toContain(
      "google/gemma-4-31B-it: served for conversational by novita",
    );
    expect(lineOf(run.out, "generation model")).toContain("served for text-to-image by nscale");
    expect(run.out).toContain("8 ok, 0 warning(s), 0 failed, 0 not checked");
  });

  it("catches a caption model with no provider for its task, before the first upload: exit 1", async () => {
    const run = await doctor({ HF_CAPTION_MODEL: "Salesforce/blip-image-captioning-large" });
    expect(run.code).toBe(1);
    expect(lineOf(run.out, "caption model")).toMatch(
      /^FAIL +caption model +Salesforce\/blip-image-captioning-large: no Inference Provider serves it for conversational, only for image-to-text$/,
    );
    expect(run.err).toBe("reimagine: not ready: caption model");
    // the same model is fine for the task it is served for
    const imageToText = await doctor({
      HF_CAPTION_MODEL: "Salesforce/blip-image-captioning-large",
      HF_CAPTION_MODE: "imageToText",
    });
    expect(imageToText.code).toBe(0);
  });

  it("offline, says what it could not check and does not fail for it", async () => {
    const run = await doctor({ HF_HUB_URL: "http://hub.invalid" }, "--json");
    expect(run.code).toBe(0);
    const { results } = JSON.parse(run.out) as {
      results: { name: string; status: string; detail: string }[];
    };
    const hf = results.filter((r) => ["HF token", "caption model", "generation model"].includes(r.name));
    expect(hf.map((r) => r.status)).toEqual(["unchecked", "unchecked", "unchecked"]);
    expect(hf[0]!.detail).toMatch(/^could not reach http:\/\/hub\.invalid \(.+\): no network here\?$/);
  });

  it("checks self-hosted endpoints instead of the Hub", async () => {
    const run = await doctor({
      HF_CAPTION_ENDPOINT_URL: models.openAiBaseUrl,
      HF_CAPTION_MODEL: "fake/chat-model",
      HF_GENERATION_ENDPOINT_URL: models.endpoints.textToImage,
    });
    expect(run.code).toBe(0);
    expect(lineOf(run.out, "caption model")).toMatch(/answers and serves fake\/chat-model$/);
    expect(lineOf(run.out, "generation model")).toMatch(/answers \(HTTP 404 to a GET; calls are POSTs\)$/);
  });

  it("fails what is down or refused: the SMTP server, a bucket, the HF token", async () => {
    const run = await doctor({
      SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
      S3_BUCKET_GENERATED: "doctor-missing",
      HF_TOKEN: "hf_revokedtoken4242",
    });
    expect(run.code).toBe(1);
    expect(lineOf(run.out, "mail")).toMatch(/^FAIL .*ECONNREFUSED/);
    expect(lineOf(run.out, "bucket doctor-missing")).toMatch(/^FAIL .*the bucket does not exist$/);
    expect(lineOf(run.out, "HF token")).toMatch(/^FAIL .*HTTP 401/);
    expect(run.err).toBe("reimagine: not ready: bucket doctor-missing, mail, HF token");
  });

  it("fails when NATS does not answer", async () => {
    const run = await doctor({ NATS_URL: `nats://127.0.0.1:${await closedPort()}` });
    expect(run.code).toBe(1);
    expect(lineOf(run.out, "NATS JetStream")).toMatch(/^FAIL .*cannot connect to NATS/);
  });
});
