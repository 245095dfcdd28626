import { loadConfig } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { createCaptioner } from "./create-captioner";

const config = (env: Record<string, string>) => loadConfig({}, env);

describe("createCaptioner", () => {
  it("is offline without a token or endpoint URL", () => {
    expect(createCaptioner(config({}))).toMatchObject({ provider: "offline", model: "offline-caption-v1" });
  });

  it("uses HuggingFace with a token", () => {
    const captioner = createCaptioner(
      config({
        HF_TOKEN: "hf_x",
        HF_CAPTION_MODE: "chatCompletion",
        HF_CAPTION_MODEL: "Qwen/Qwen2.5-VL-7B-Instruct",
      }),
    );
    expect(captioner).toMatchObject({ provider: "huggingface:auto", model: "Qwen/Qwen2.5-VL-7B-Instruct" });
  });

  it("a caption endpoint URL alone is enough; a generation endpoint URL is not", () => {
    const endpoint = "https://caption.example.endpoints.huggingface.cloud";
    expect(createCaptioner(config({ HF_CAPTION_ENDPOINT_URL: endpoint })).provider).toBe("endpoint");
    expect(createCaptioner(config({ HF_GENERATION_ENDPOINT_URL: endpoint })).provider).toBe("offline");
  });

  it("passes HF_PROVIDER through", () => {
    expect(createCaptioner(config({ HF_TOKEN: "hf_x", HF_PROVIDER: "fal-ai" })).provider).toBe(
      "huggingface:fal-ai",
    );
  });
});
