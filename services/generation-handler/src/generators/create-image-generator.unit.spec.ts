import { loadConfig } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { createImageGenerator } from "./create-image-generator";

const config = (env: Record<string, string>) => loadConfig({}, env);

describe("createImageGenerator", () => {
  it("is offline without a token or endpoint URL", () => {
    expect(createImageGenerator(config({}))).toMatchObject({
      provider: "offline",
      model: "offline-render-v1",
    });
  });

  it("uses HuggingFace with a token, with the default model", () => {
    expect(createImageGenerator(config({ HF_TOKEN: "hf_x" }))).toMatchObject({
      provider: "huggingface:auto",
      model: "black-forest-labs/FLUX.1-schnell",
    });
  });

  it("a generation endpoint URL alone is enough; a caption endpoint URL is not", () => {
    const endpoint = "https://gen.example.com";
    expect(createImageGenerator(config({ HF_GENERATION_ENDPOINT_URL: endpoint })).provider).toBe(
      "huggingface:endpoint",
    );
    expect(createImageGenerator(config({ HF_CAPTION_ENDPOINT_URL: endpoint })).provider).toBe("offline");
  });

  it("passes HF_PROVIDER through", () => {
    expect(createImageGenerator(config({ HF_TOKEN: "hf_x", HF_PROVIDER: "fal-ai" })).provider).toBe(
      "huggingface:fal-ai",
    );
  });
});
