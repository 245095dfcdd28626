import { assertValidKey } from "@reimagine/blobs";
import { describe, expect, it } from "vitest";
import { generatedImageKey } from "./generated-image-key";

describe("generatedImageKey", () => {
  const id = "01936c2e-7b1a-7c3d-9e4f-0a1b2c3d4e60";

  it("is fixed per request and run, with the extension of the type", () => {
    expect(generatedImageKey(id, 0, "image/png")).toBe(`${id}/generated-0.png`);
    expect(generatedImageKey(id, 2, "image/jpeg")).toBe(`${id}/generated-2.jpg`);
    expect(generatedImageKey(id, 1, "image/webp")).toBe(`${id}/generated-1.webp`);
    expect(generatedImageKey(id, 0, "image/png")).toBe(generatedImageKey(id, 0, "image/png"));
  });

  it("is a valid blob key on every adapter", () => {
    expect(() => assertValidKey(generatedImageKey(id, 12, "image/jpeg"))).not.toThrow();
  });
});
