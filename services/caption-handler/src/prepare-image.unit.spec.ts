import { isRetryable, StageInputError } from "@reimagine/reactor";
import { makeHugePngHeader, makeJpeg, makePng, makeWebp } from "@reimagine/testing";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { prepareImage } from "./prepare-image";

const options = { maxSide: 1024, maxPixels: 50_000_000 };
const sizeOf = async (bytes: Buffer) => {
  const { width, height, format } = await sharp(bytes).metadata();
  return { width, height, format };
};
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("it should not decode"),
    (e: unknown) => e,
  );

describe("prepareImage", () => {
  it("scales a large photo down to 1024 px on its longest side, as a JPEG, and says what the original was", async () => {
    const prepared = await prepareImage(await makeJpeg(3000, 2000), options);
    expect(prepared).toMatchObject({
      contentType: "image/jpeg",
      width: 1024,
      height: 683,
      resized: true,
      original: { width: 3000, height: 2000, format: "jpeg" },
    });
    expect(await sizeOf(prepared.bytes)).toEqual({ width: 1024, height: 683, format: "jpeg" });
  });

  it("sends a small JPEG or PNG as it was, without re-encoding it", async () => {
    for (const bytes of [await makeJpeg(96, 64), await makePng(300, 200)]) {
      const prepared = await prepareImage(bytes, options);
      expect(prepared.resized).toBe(false);
      expect(prepared.bytes).toBe(bytes);
    }
    expect((await prepareImage(await makePng(300, 200), options)).contentType).toBe("image/png");
  });

  it("re-encodes a small WebP, which not every vision server reads", async () => {
    const prepared = await prepareImage(await makeWebp(200, 100), options);
    expect(prepared).toMatchObject({ contentType: "image/jpeg", width: 200, height: 100, resized: true });
    expect((await sizeOf(prepared.bytes)).format).toBe("jpeg");
  });

  it("turns a photo upright by its EXIF orientation before the model sees it", async () => {
    const sideways = await sharp(await makeJpeg(400, 200))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const prepared = await prepareImage(sideways, options);
    expect(prepared).toMatchObject({
      width: 200,
      height: 400,
      resized: true,
      original: { width: 200, height: 400 },
    });
  });

  it("honours a smaller CAPTION_MAX_SIDE and never enlarges", async () => {
    expect(await prepareImage(await makePng(2000, 500), { ...options, maxSide: 384 })).toMatchObject({
      width: 384,
      height: 96,
    });
    const webp = await prepareImage(await makeWebp(50, 40), { ...options, maxSide: 384 });
    expect([webp.width, webp.height]).toEqual([50, 40]);
  });

  it("refuses a small JPEG or PNG that would go as it is but stops short of its last bytes", async () => {
    // a photo-like JPEG (noise compresses like a photo), cut just before its last scan data ends
    const photo = await sharp({
      create: {
        width: 800,
        height: 600,
        channels: 3,
        background: "#785a3c",
        noise: { type: "gaussian", mean: 110, sigma: 30 },
      },
    })
      .jpeg()
      .toBuffer();
    for (const bytes of [photo, await makePng(300, 200)]) {
      expect((await prepareImage(bytes, options)).resized).toBe(false);
      const err = await rejection(prepareImage(bytes.subarray(0, bytes.length - 64), options));
      expect(err).toBeInstanceOf(StageInputError);
    }
  });

  it("fails with a permanent StageInputError for a truncated upload, garbage, or a decompression bomb", async () => {
    const jpeg = await makeJpeg(800, 600);
    for (const bytes of [
      jpeg.subarray(0, Math.floor(jpeg.length * 0.6)),
      Buffer.from("this is not an image at all"),
      makeHugePngHeader(100_000, 100_000),
    ]) {
      const err = await rejection(prepareImage(bytes, options));
      expect(err).toBeInstanceOf(StageInputError);
      expect(isRetryable(err)).toBe(false);
      expect((err as Error).message).toMatch(
        /^the uploaded file is not an image that can be decoded \(.+\)$/,
      );
    }
  });
});
