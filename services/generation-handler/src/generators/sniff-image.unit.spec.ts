import { sniffImageType } from "@reimagine/contracts";
import { makeJpeg } from "@reimagine/testing";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { sniffImage } from "./sniff-image";

const make = (format: "png" | "jpeg" | "webp" | "gif") =>
  sharp({ create: { width: 30, height: 20, channels: 3, background: "#336699" } })
    .toFormat(format)
    .toBuffer();

describe("sniffImage", () => {
  it.each([
    ["png", "image/png"],
    ["jpeg", "image/jpeg"],
    ["webp", "image/webp"],
  ] as const)("recognises %s by its bytes and reads its size", async (format, contentType) => {
    const bytes = await make(format);
    expect(sniffImageType(bytes)).toBe(contentType);
    await expect(sniffImage(bytes)).resolves.toEqual({ contentType, width: 30, height: 20 });
  });

  it("rejects text, JSON, other formats and empty bodies as permanent", async () => {
    for (const body of [
      Buffer.from("<html></html>"),
      Buffer.from('{"error":"x"}'),
      await make("gif"),
      Buffer.alloc(0),
    ]) {
      await expect(sniffImage(body, "text/html")).rejects.toMatchObject({
        name: "AiError",
        retryable: false,
        reason: expect.stringMatching(/non-image body/),
      });
    }
  });

  it("rejects a truncated image whose magic is right, also when its header is whole", async () => {
    const png = await make("png");
    await expect(sniffImage(png.subarray(0, 12))).rejects.toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/undecodable image/),
    });
    const photo = await makeJpeg(400, 300);
    await expect(sniffImage(photo.subarray(0, Math.floor(photo.length * 0.7)))).rejects.toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/undecodable image/),
    });
  });
});
