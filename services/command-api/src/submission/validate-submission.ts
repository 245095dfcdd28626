import { inspectImage } from "../upload/inspect-image";
import type { ParsedUpload } from "../upload/parse-upload";
import { checkEmail } from "./check-email";
import { checkWebhookUrl, type WebhookPolicy } from "./check-webhook-url";
import type { Submission } from "./submission";

/**
 * Judges an upload: the email by its text, the webhook URL by where it leads, the image by its
 * bytes alone (magic numbers and a full decode, never the client's Content-Type or file name).
 * Throws InvalidEmailError, InvalidWebhookUrlError or ImageRejectedError. The email is checked
 * first: it costs nothing, the decode costs CPU.
 */
export async function validateSubmission(
  upload: ParsedUpload,
  options: { maxPixels: number; webhooks: WebhookPolicy },
): Promise<Submission> {
  const email = checkEmail(upload.email);
  const webhookUrl = await checkWebhookUrl(upload.webhookUrl, options.webhooks);
  const info = await inspectImage(upload.image.bytes, { maxPixels: options.maxPixels });
  return { email, image: { ...info, bytes: upload.image.bytes, sha256: upload.image.sha256 }, webhookUrl };
}
