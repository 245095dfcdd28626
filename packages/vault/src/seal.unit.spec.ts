import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openWith, SealBrokenError, sealWith } from "./seal";

describe("sealWith / openWith (AES-256-GCM)", () => {
  const key = randomBytes(32);
  const id = "01936c2e-7b1a-7c3d-9e4f-0a1b2c3d4e60";

  it("round-trips, with a fresh nonce each time and no trace of the address in the sealed form", () => {
    const a = sealWith(key, id, { email: "nina@example.com" });
    const b = sealWith(key, id, { email: "nina@example.com" });
    expect(openWith(key, a)).toEqual({ email: "nina@example.com" });
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(JSON.stringify(a)).not.toMatch(/nina|example/);
    expect(a).toMatchObject({ keyId: id, alg: "A256GCM" });
  });

  it("seals a webhook URL with the address, and checks it as the event schema does", () => {
    const data = { email: "nina@example.com", webhookUrl: "https://nina.example.net/hook?token=s3cret" };
    const sealed = sealWith(key, id, data);
    expect(openWith(key, sealed)).toEqual(data);
    expect(JSON.stringify(sealed)).not.toMatch(/nina|s3cret|hook/);
    expect(() => sealWith(key, id, { ...data, webhookUrl: "https://u:p@nina.example.net/" })).toThrowError(
      /credentials/,
    );
  });

  it("refuses a changed ciphertext, a changed tag, another key, and a ciphertext moved to another key id", () => {
    const sealed = sealWith(key, id, { email: "nina@example.com" });
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    const broken = [
      { ...sealed, ciphertext: flip(sealed.ciphertext) },
      { ...sealed, tag: flip(sealed.tag) },
      { ...sealed, keyId: "01936c2e-7b1a-7c3d-9e4f-0a1b2c3d4e61" },
    ];
    for (const s of broken) expect(() => openWith(key, s)).toThrowError(SealBrokenError);
    expect(() => openWith(randomBytes(32), sealed)).toThrowError(SealBrokenError);
  });
});
