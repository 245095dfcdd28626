import type { NamedPreflightResult, PreflightCheck } from "@reimagine/platform";
import { runPreflight } from "@reimagine/platform";
import {
  closedPort,
  type FakeHfHub,
  type FakeHfServer,
  startFakeHfHub,
  startFakeHfServer,
} from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointCheck } from "./endpoint-check";
import { hfTokenCheck, modelProviderCheck } from "./hub-checks";
import { hfTokenChecks, stageModelChecks } from "./model-preflight";

const TOKEN = "hf_preflighttoken1234";
const VLM = "google/gemma-4-31B-it";
let hub: FakeHfHub;
let objectHub: FakeHfHub;
let models: FakeHfServer;

beforeAll(async () => {
  const known = {
    [VLM]: {
      mapping: [
        { provider: "novita", task: "conversational" },
        { provider: "together", task: "conversational" },
        { provider: "cerebras", task: "conversational", status: "staging" as const },
      ],
    },
    "Salesforce/blip-image-captioning-large": {
      mapping: [{ provider: "hf-inference", task: "image-to-text" }],
    },
    "acme/staging-only": {
      mapping: [{ provider: "novita", task: "text-to-image", status: "staging" as const }],
    },
    "acme/gated-painter": {
      mapping: [{ provider: "fal-ai", task: "text-to-image" }],
      gated: "manual" as const,
    },
    "acme/nobody-serves": { mapping: [] },
  };
  hub = await startFakeHfHub({ token: TOKEN, user: "nina", models: known });
  objectHub = await startFakeHfHub({ token: TOKEN, models: known, mappingShape: "object" });
  models = await startFakeHfServer({ token: TOKEN });
  CLOSED = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(() => Promise.all([hub.close(), objectHub.close(), models.close()]));

const one = async (check: PreflightCheck): Promise<NamedPreflightResult> =>
  (await runPreflight([check], 5000))[0]!;
const provider = (
  model: string,
  task: "conversational" | "image-to-text" | "text-to-image",
  p = "auto",
  url = hub.baseUrl,
) => one(modelProviderCheck({ label: "model", hubUrl: url, token: TOKEN, model, task, provider: p }));
/** A local port nothing listens on. */
let CLOSED: string;

describe("HF token check (the Hub's whoami-v2)", () => {
  it("says whose token it is, and fails a token the Hub refuses", async () => {
    expect(await one(hfTokenCheck({ hubUrl: hub.baseUrl, token: TOKEN }))).toEqual({
      name: "HF token",
      status: "ok",
      detail: "valid, of nina (fineGrained token)",
    });
    const refused = await one(hfTokenCheck({ hubUrl: hub.baseUrl, token: "hf_expiredtoken99999" }));
    expect(refused.status).toBe("fail");
    expect(refused.detail).toContain("HTTP 401: Invalid credentials in Authorization header");
    expect(refused.detail).not.toContain("hf_expired");
  });

  it("leaves a provider's own key unchecked, and checks nothing without a token", async () => {
    expect((await one(hfTokenCheck({ hubUrl: hub.baseUrl, token: "sk-provider-key" }))).status).toBe(
      "unchecked",
    );
    expect(hfTokenChecks({ HF_PROVIDER: "auto", HF_HUB_URL: hub.baseUrl })).toEqual([]);
  });
});

describe("model check (the Hub's inference provider mapping)", () => {
  it("passes a model some provider serves for its task, naming the live ones", async () => {
    const result = await provider(VLM, "conversational");
    expect(result.status).toBe("ok");
    expect(result.detail).toBe(
      `${VLM}: served for conversational by novita, together (auto picks in your order of preference)`,
    );
    expect(hub.requests.at(-1)).toBe(`/api/models/${VLM}?expand[]=inferenceProviderMapping&expand[]=gated`);
    expect((await provider(VLM, "conversational", "auto", objectHub.baseUrl)).status).toBe("ok");
  });

  it("checks the provider HF_PROVIDER names, and says who else serves the model", async () => {
    expect((await provider(VLM, "conversational", "together")).status).toBe("ok");
    expect(await provider(VLM, "conversational", "fal-ai")).toMatchObject({
      status: "fail",
      detail: `${VLM}: provider fal-ai serves it (it is served by novita, together, cerebras)`,
    });
  });

  it("catches a model that no provider serves for its task: an image-to-text model asked to chat", async () => {
    expect(await provider("Salesforce/blip-image-captioning-large", "conversational")).toMatchObject({
      status: "fail",
      detail:
        "Salesforce/blip-image-captioning-large: no Inference Provider serves it for conversational, only for image-to-text",
    });
    expect((await provider("acme/nobody-serves", "text-to-image")).detail).toBe(
      "acme/nobody-serves: no Inference Provider serves it",
    );
  });

  it("fails an unknown model, and warns of staging-only and gated models", async () => {
    expect(await provider("acme/no-such-model", "text-to-image")).toMatchObject({
      status: "fail",
      detail: "acme/no-such-model: no such model on the Hub: Repository not found",
    });
    expect((await provider("acme/staging-only", "text-to-image")).status).toBe("warn");
    const gated = await provider("acme/gated-painter", "text-to-image");
    expect(gated.status).toBe("warn");
    expect(gated.detail).toContain("gated (manual): the token's account must accept its terms");
  });

  it("offline, says what it could not check instead of failing", async () => {
    for (const unreachable of ["http://hub.invalid", CLOSED]) {
      const result = await provider(VLM, "conversational", "auto", unreachable);
      expect(result.status).toBe("unchecked");
      expect(result.detail).toMatch(/^could not reach http:\/\/.+ \(.+\): no network here\?$/);
      expect((await one(hfTokenCheck({ hubUrl: unreachable, token: TOKEN }))).status).toBe("unchecked");
    }
  });
});

describe("endpoint check", () => {
  const chat = (url: string, model = "fake/chat-model", token = TOKEN) =>
    one(endpointCheck({ label: "caption model", url, kind: "chat", model, token }));

  it("asks an OpenAI-compatible server for its models: ok when it serves the model, a warning when not", async () => {
    expect((await chat(models.openAiBaseUrl)).detail).toBe(
      `the endpoint at ${new URL(models.baseUrl).host} answers and serves fake/chat-model`,
    );
    expect(models.requests.at(-1)?.path).toBe("/v1/models");
    const other = await chat(models.openAiBaseUrl, "llava:13b");
    expect(other.status).toBe("warn");
    expect(other.detail).toContain("does not list llava:13b (it lists: fake/chat-model)");
  });

  it("fails an endpoint that refuses the token or is not there", async () => {
    expect(await chat(models.openAiBaseUrl, "fake/chat-model", "hf_wrong")).toMatchObject({ status: "fail" });
    const down = await chat(`${CLOSED}/v1`);
    expect(down.status).toBe("fail");
    expect(down.detail).toContain("is not reachable (ECONNREFUSED)");
  });

  it("takes any answer short of 401/403 from an endpoint of HF's wire format, which only takes POSTs", async () => {
    const result = await one(
      endpointCheck({
        label: "generation model",
        url: models.endpoints.textToImage,
        kind: "textToImage",
        model: "m",
        token: TOKEN,
      }),
    );
    expect(result.status).toBe("ok");
    expect(result.detail).toMatch(/answers \(HTTP 404 to a GET; calls are POSTs\)$/);
  });
});

describe("stageModelChecks", () => {
  const stage = {
    label: "caption model",
    model: VLM,
    task: "conversational" as const,
    endpointKind: "chat" as const,
  };

  it("checks the endpoint when there is one, the Hub's mapping with a token, and warns of the offline demo mode", async () => {
    const withEndpoint = stageModelChecks(
      { ...stage, model: "fake/chat-model", endpointUrl: models.openAiBaseUrl },
      { HF_TOKEN: TOKEN, HF_PROVIDER: "auto", HF_HUB_URL: hub.baseUrl },
    );
    const viaHub = stageModelChecks(stage, {
      HF_TOKEN: TOKEN,
      HF_PROVIDER: "auto",
      HF_HUB_URL: `${hub.baseUrl}/`,
    });
    const offline = stageModelChecks(stage, { HF_PROVIDER: "auto", HF_HUB_URL: hub.baseUrl });
    const results = await runPreflight([...withEndpoint, ...viaHub, ...offline]);
    expect(results.map((r) => r.status)).toEqual(["ok", "ok", "warn"]);
    expect(results[0]!.detail).toContain("answers and serves fake/chat-model");
    expect(results[1]!.detail).toContain("served for conversational by novita, together");
    expect(results[2]!.detail).toBe(
      "offline demo mode: no HF_TOKEN nor endpoint URL, so no model is involved",
    );
  });
});
