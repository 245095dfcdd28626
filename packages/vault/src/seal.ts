import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { PersonalData, type SealedData } from "@reimagine/contracts";

/** AES-256-GCM: an authenticated cipher, so a changed or transplanted ciphertext does not open. */
const ALGORITHM = "aes-256-gcm";
/** Bytes of a data key. */
export const DATA_KEY_BYTES = 32;

/** Sealed data that does not open with its key: corrupted, or not sealed under this key id. */
export class SealBrokenError extends Error {
  override readonly name = "SealBrokenError";
  readonly code = "SEAL_BROKEN";
  readonly retryable = false;
  readonly reason = "the sealed personal data does not open with its key";
}

/** The key id is authenticated too: a ciphertext copied under another request's id does not open. */
const aadOf = (keyId: string) => Buffer.from(`reimagine/personal-data/${keyId}`, "utf8");

/** Encrypts personal data under a data key, with a fresh 96-bit nonce. */
export function sealWith(key: Buffer, keyId: string, data: PersonalData): SealedData {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(aadOf(keyId));
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(PersonalData.parse(data)), "utf8"),
    cipher.final(),
  ]);
  return {
    keyId,
    alg: "A256GCM",
    iv: iv.toString("base64url"),
    tag: cipher.getAuthTag().toString("base64url"),
    ciphertext: ciphertext.toString("base64url"),
  };
}

/** Decrypts and validates sealed personal data; throws SealBrokenError when it does not authenticate. */
export function openWith(key: Buffer, sealed: SealedData): PersonalData {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, "base64url"), {
      authTagLength: 16,
    });
    decipher.setAAD(aadOf(sealed.keyId));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64url"));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, "base64url")),
      decipher.final(),
    ]);
    return PersonalData.parse(JSON.parse(plain.toString("utf8")));
  } catch (cause) {
    throw new SealBrokenError(`sealed data under key ${sealed.keyId} does not open`, { cause });
  }
}
