import { randomBytes } from "node:crypto";
import { makeHugePngHeader, makeJpeg, makePng, makeWebp } from "@reimagine/testing";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ImageRejectedError, type ImageRejectionCode, inspectImage } from "./inspect-image";

const LIMIT = { maxPixels: 50_000_000 };
const GIF_1X1 = Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");

async function rejection(bytes: Buffer, opts = LIMIT): Promise<ImageRejectedError> {
  const err = await inspectImage(bytes, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageRejectedError);
  return err as ImageRejectedError;
}

async function expectRejected(bytes: Buffer, code: ImageRejectionCode, opts = LIMIT): Promise<void> {
  const err = await rejection(bytes, opts);
  expect(err.code).toBe(code);
  expect(err.name).toBe("ImageRejectedError");
  expect(err.message).toMatch(/^[a-z].{10,}/);
}

describe("inspectImage", () => {
  let jpeg: Buffer;
  let png: Buffer;
  let webp: Buffer;
  beforeAll(async () => {
    [jpeg, png, webp] = await Promise.all([makeJpeg(64, 48), makePng(40, 30), makeWebp(32, 24)]);
  });

  it("accepts JPEG, PNG and WebP and reports what the bytes are", async () => {
    expect(await inspectImage(jpeg, LIMIT)).toEqual({
      format: "jpeg",
      contentType: "image/jpeg",
      width: 64,
      height: 48,
    });
    expect(await inspectImage(png, LIMIT)).toEqual({
      format: "png",
      contentType: "image/png",
      width: 40,
      height: 30,
    });
    expect(await inspectImage(webp, LIMIT)).toEqual({
      format: "webp",
      contentType: "image/webp",
      width: 32,
      height: 24,
    });
  });

  it("reports the size as displayed when EXIF rotates the picture", async () => {
    const rotated = await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await inspectImage(rotated, LIMIT)).toMatchObject({ width: 48, height: 64 });
  });

  it("refuses zero bytes as EMPTY", async () => {
    await expectRejected(Buffer.alloc(0), "EMPTY");
  });

  it.each([
    ["SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>')],
    ["SVG with an XML prolog", Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["HTML", Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>")],
    ["GIF", GIF_1X1],
    ["plain text", Buffer.from("hello, this is not an image")],
    ["a JPEG magic cut short", Buffer.from([0xff, 0xd8])],
    ["RIFF that is not WebP", Buffer.from("RIFF\u0004\u0000\u0000\u0000WAVEfmt ")],
  ])("refuses %s as UNSUPPORTED_TYPE", async (_, bytes) => {
    await expectRejected(bytes, "UNSUPPORTED_TYPE");
  });

  it("refuses a file cut inside its header as CORRUPT, keeping the decoder's reason as cause", async () => {
    const err = await rejection(jpeg.subarray(0, 20));
    expect(err.code).toBe("CORRUPT");
    expect(err.message).toMatch(/header does not parse/);
    expect(err.cause).toBeInstanceOf(Error);
    await expectRejected(png.subarray(0, 20), "CORRUPT");
    await expectRejected(webp.subarray(0, 20), "CORRUPT");
  });

  it("lets through a file whose header is whole but whose pixel data is cut: no decode at the door", async () => {
    // The caption stage decodes it (once, to downsize for the model) and records CaptionFailed.
    const big = await makeJpeg(256, 256);
    expect(await inspectImage(big.subarray(0, big.length >> 1), LIMIT)).toMatchObject({ width: 256 });
    expect(await inspectImage(png.subarray(0, png.length - 12), LIMIT)).toMatchObject({ width: 40 });
  });

  it.each([
    ["JPEG", [0xff, 0xd8, 0xff]],
    ["PNG", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ["WebP", [...Buffer.from("RIFF"), 0xff, 0xff, 0, 0, ...Buffer.from("WEBP")]],
  ])("refuses random bytes behind a %s magic as CORRUPT", async (_, magic) => {
    await expectRejected(Buffer.concat([Buffer.from(magic), randomBytes(4000)]), "CORRUPT");
  });

  it("refuses a PNG declaring 100000x100000 quickly, before any pixel is allocated", async () => {
    const bomb = makeHugePngHeader(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const err = await rejection(bomb);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(err.code).toBe("TOO_MANY_PIXELS");
    expect(err.message).toContain("100000x100000");
  });

  it("refuses a valid image over a small maxPixels and accepts one exactly at it", async () => {
    await expectRejected(jpeg, "TOO_MANY_PIXELS", { maxPixels: 64 * 48 - 1 });
    expect(await inspectImage(jpeg, { maxPixels: 64 * 48 })).toMatchObject({ width: 64, height: 48 });
  });

  it("insists on a sensible maxPixels", async () => {
    await expect(inspectImage(jpeg, { maxPixels: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(inspectImage(jpeg, { maxPixels: Number.NaN })).rejects.toBeInstanceOf(RangeError);
  });
});
