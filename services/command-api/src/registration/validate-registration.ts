import { inspectImage } from "../upload/inspect-image";
import type { ParsedUpload } from "../upload/parse-upload";
import { checkEmail } from "./check-email";
import type { Registration } from "./registration";

/**
 * Judges an upload: the email by its text, the image by its bytes alone (magic numbers and a full
 * decode, never the client's Content-Type or file name). Throws InvalidEmailError or
 * ImageRejectedError. The email is checked first: it costs nothing, the decode costs CPU.
 */
export async function validateRegistration(
  upload: ParsedUpload,
  options: { maxPixels: number },
): Promise<Registration> {
  const email = checkEmail(upload.email);
  const info = await inspectImage(upload.image.bytes, { maxPixels: options.maxPixels });
  return { email, image: { ...info, bytes: upload.image.bytes, sha256: upload.image.sha256 } };
}
