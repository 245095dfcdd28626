import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createAiProviders } from "./create-ai-providers";

const config = (env: Record<string, string>) => loadConfig({}, env);

describe("createAiProviders", () => {
  it("is offline for both stages without a token or endpoint URL", () => {
    const { captioner, generator } = createAiProviders(config({}));
    expect(captioner).toMatchObject({ provider: "offline", model: "offline-caption-v1" });
    expect(generator).toMatchObject({ provider: "offline", model: "offline-render-v1" });
  });

  it("uses HuggingFace for both stages with a token", () => {
    const { captioner, generator } = createAiProviders(
      config({
        HF_TOKEN: "hf_x",
        HF_CAPTION_MODE: "chatCompletion",
        HF_CAPTION_MODEL: "Qwen/Qwen2.5-VL-7B-Instruct",
      }),
    );
    expect(captioner).toMatchObject({ provider: "huggingface:auto", model: "Qwen/Qwen2.5-VL-7B-Instruct" });
    expect(generator).toMatchObject({
      provider: "huggingface:auto",
      model: "black-forest-labs/FLUX.1-schnell",
    });
  });

  it("an endpoint URL alone switches only its own stage to HuggingFace", () => {
    const { captioner, generator } = createAiProviders(
      config({ HF_CAPTION_ENDPOINT_URL: "https://caption.example.endpoints.huggingface.cloud" }),
    );
    expect(captioner.provider).toBe("huggingface:endpoint");
    expect(generator.provider).toBe("offline");

    const other = createAiProviders(config({ HF_GENERATION_ENDPOINT_URL: "https://gen.example.com" }));
    expect(other.captioner.provider).toBe("offline");
    expect(other.generator.provider).toBe("huggingface:endpoint");
  });

  it("passes HF_PROVIDER through", () => {
    const { generator } = createAiProviders(config({ HF_TOKEN: "hf_x", HF_PROVIDER: "fal-ai" }));
    expect(generator.provider).toBe("huggingface:fal-ai");
  });

  it("warns loudly when a stage is offline", () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg), info: () => {} };
    createAiProviders(config({ HF_TOKEN: "" }), logger as never);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/OFFLINE demo mode/);
  });
});
