import { loadConfig } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { createImageGenerator, generationParameters } from "./create-image-generator";

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
    expect(createImageGenerator(config({ HF_GENERATION_ENDPOINT_URL: endpoint })).provider).toBe("endpoint");
    expect(createImageGenerator(config({ HF_CAPTION_ENDPOINT_URL: endpoint })).provider).toBe("offline");
  });

  it("passes HF_PROVIDER through", () => {
    expect(createImageGenerator(config({ HF_TOKEN: "hf_x", HF_PROVIDER: "fal-ai" })).provider).toBe(
      "huggingface:fal-ai",
    );
  });

  it("maps the generation settings to HuggingFace's parameter names, leaving out the unset ones", () => {
    expect(generationParameters(config({}))).toBeUndefined();
    expect(
      generationParameters(
        config({
          HF_GENERATION_WIDTH: "1024",
          HF_GENERATION_HEIGHT: "768",
          HF_GENERATION_STEPS: "4",
          HF_GENERATION_GUIDANCE: "0",
          HF_GENERATION_SEED: "7",
          HF_GENERATION_NEGATIVE_PROMPT: "blurry",
        }),
      ),
    ).toEqual({
      width: 1024,
      height: 768,
      num_inference_steps: 4,
      guidance_scale: 0,
      seed: 7,
      negative_prompt: "blurry",
    });
    expect(generationParameters(config({ HF_GENERATION_STEPS: "30" }))).toEqual({ num_inference_steps: 30 });
  });
});
