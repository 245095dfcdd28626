import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

/** An sRGB colour for fixture images. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const DEFAULT_COLOR: Rgb = { r: 200, g: 80, b: 40 };

// A plain fill would compress to almost nothing; a gradient gives real entropy-coded data to truncate.
function canvas(width: number, height: number, color: Rgb): sharp.Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (color.r + x * 7) & 0xff;
      pixels[i + 1] = (color.g + y * 5) & 0xff;
      pixels[i + 2] = (color.b + x * y) & 0xff;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/** A real JPEG of the given size. */
export function makeJpeg(width: number, height: number, color: Rgb = DEFAULT_COLOR): Promise<Buffer> {
  return canvas(width, height, color).jpeg({ quality: 90 }).toBuffer();
}

/** A real PNG of the given size. */
export function makePng(width: number, height: number, color: Rgb = DEFAULT_COLOR): Promise<Buffer> {
  return canvas(width, height, color).png().toBuffer();
}

/** A real WebP of the given size. */
export function makeWebp(width: number, height: number, color: Rgb = DEFAULT_COLOR): Promise<Buffer> {
  return canvas(width, height, color).webp({ quality: 90 }).toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A decompression bomb in miniature: a well-formed PNG (valid CRCs) whose IHDR declares
 * width x height RGBA pixels, followed by a tiny IDAT and IEND. A few hundred bytes that a
 * careless decoder would try to allocate width*height*4 bytes for.
 */
export function makeHugePngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // Decoders read the header from the chunks that follow it too; IDAT and IEND make it parse.
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(1024))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}
