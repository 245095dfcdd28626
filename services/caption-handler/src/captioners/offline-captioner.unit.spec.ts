import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createOfflineCaptioner, OFFLINE_CAPTION_MODEL } from "./offline-captioner";

const signal = () => new AbortController().signal;

async function sunset(): Promise<Buffer> {
  const orange = await sharp({ create: { width: 1600, height: 350, channels: 3, background: "#f08a24" } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 1600, height: 900, channels: 3, background: "#0b2a6b" } })
    .composite([{ input: orange, top: 550, left: 0 }])
    .jpeg()
    .toBuffer();
}

describe("offline captioner", () => {
  const captioner = createOfflineCaptioner();

  it("is plainly labelled offline", () => {
    expect(captioner).toMatchObject({ provider: "offline", model: OFFLINE_CAPTION_MODEL });
  });

  it("describes size, orientation and dominant colours", async () => {
    const result = await captioner.caption(
      { bytes: await sunset(), contentType: "image/jpeg" },
      { signal: signal() },
    );
    expect(result).toMatchObject({
      caption: "A landscape 1600×900 photo dominated by deep blue and warm orange tones.",
      provider: "offline",
      model: "offline-caption-v1",
    });
  });

  it("honours EXIF orientation and names a single colour alone", async () => {
    const bytes = await sharp({ create: { width: 600, height: 900, channels: 3, background: "#f4f4f4" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { caption } = await captioner.caption({ bytes, contentType: "image/jpeg" }, { signal: signal() });
    expect(caption).toBe("A landscape 900×600 photo dominated by white tones.");
  });

  it("handles square PNGs with alpha", async () => {
    const bytes = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 30, g: 160, b: 60, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const { caption } = await captioner.caption({ bytes, contentType: "image/png" }, { signal: signal() });
    expect(caption).toMatch(/^A square 64×64 PNG image dominated by .*green.* tones\.$/);
  });

  it("is deterministic", async () => {
    const bytes = await sunset();
    const a = await captioner.caption({ bytes, contentType: "image/jpeg" }, { signal: signal() });
    const b = await captioner.caption({ bytes, contentType: "image/jpeg" }, { signal: signal() });
    expect(a.caption).toBe(b.caption);
  });

  it("rejects bytes that are not an image as permanent", async () => {
    await expect(
      captioner.caption(
        { bytes: Buffer.from("not an image"), contentType: "image/png" },
        { signal: signal() },
      ),
    ).rejects.toMatchObject({ name: "AiError", retryable: false, reason: "not a decodable image" });
  });

  it("an aborted caller gets AI_CALL_ABORTED", async () => {
    await expect(
      captioner.caption(
        { bytes: await sunset(), contentType: "image/jpeg" },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toMatchObject({ code: "AI_CALL_ABORTED" });
  });
});
