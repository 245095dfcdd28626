import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createOfflineImageGenerator, OFFLINE_GENERATION_MODEL, renderSvg } from "./offline-image-generator";
import { sniffImage } from "./sniff-image";

const signal = () => new AbortController().signal;
const PROMPT = "A landscape 1600×900 photo dominated by deep blue and warm orange tones.";

describe("offline image generator", () => {
  const generator = createOfflineImageGenerator();

  it("renders a real 512×512 PNG, labelled offline", async () => {
    const result = await generator.generate(PROMPT, { signal: signal() });
    expect(result).toMatchObject({
      contentType: "image/png",
      width: 512,
      height: 512,
      provider: "offline",
      model: OFFLINE_GENERATION_MODEL,
    });
    await expect(sniffImage(result.bytes)).resolves.toEqual({
      contentType: "image/png",
      width: 512,
      height: 512,
    });
    const stats = await sharp(result.bytes).stats();
    // Not a blank canvas: the gradient and shapes give the channels real spread.
    expect(stats.channels[0]!.stdev + stats.channels[2]!.stdev).toBeGreaterThan(10);
  });

  it("is deterministic per prompt and differs between prompts", async () => {
    const a = await generator.generate(PROMPT, { signal: signal() });
    const b = await generator.generate(PROMPT, { signal: signal() });
    const c = await generator.generate("A square 64×64 PNG image dominated by green tones.", {
      signal: signal(),
    });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it("writes the prompt, escaped, and the demo label into the picture", () => {
    const svg = renderSvg('Fish & "chips" <on> a plate');
    expect(svg).toContain("Fish &#38; &#34;chips&#34; &#60;on&#62; a plate");
    expect(svg).toContain("offline render (demo mode)");
    expect(svg).not.toContain("<on>");
  });

  it("refuses an empty prompt and honours an aborted signal", async () => {
    await expect(generator.generate("  ", { signal: signal() })).rejects.toMatchObject({ retryable: false });
    await expect(generator.generate(PROMPT, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "AI_CALL_ABORTED",
    });
  });
});
