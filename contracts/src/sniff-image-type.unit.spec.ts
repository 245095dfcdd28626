import { describe, expect, it } from "vitest";
import { sniffImageType } from "./sniff-image-type";

describe("sniffImageType", () => {
  it("recognises the three magic numbers", () => {
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(
      "image/png",
    );
    expect(sniffImageType(Buffer.from("RIFF\u0010\u0000\u0000\u0000WEBPVP8 "))).toBe("image/webp");
  });

  it("returns null for anything else, including inputs too short to tell", () => {
    for (const bytes of [
      Buffer.alloc(0),
      Buffer.from([0xff, 0xd8]),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a]),
      Buffer.from("RIFF\u0010\u0000\u0000\u0000WAVE"),
      Buffer.from("GIF89a"),
      Buffer.from("<svg/>"),
    ]) {
      expect(sniffImageType(bytes)).toBeNull();
    }
  });

  it("reads a view at an offset into a larger buffer correctly", () => {
    const pool = Buffer.concat([
      Buffer.from("junk"),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ]);
    expect(sniffImageType(pool.subarray(4))).toBe("image/png");
    expect(sniffImageType(new Uint8Array(pool.buffer, pool.byteOffset, 8))).toBeNull();
  });
});
