import {
  type AnyDomainEvent,
  maskEmail,
  type PersonalData,
  type RequestState,
  type SealedData,
} from "@reimagine/contracts";
import { PersonalDataErasedError } from "./personal-data-erased-error";
import type { Vault } from "./vault";

/** What the status shows in place of an address that was erased. */
export const ERASED = "erased";

/**
 * The person's data of a request, from its events: opened with the request's key, or as a version-1
 * event wrote it in clear text. The webhook URL comes with it: sealed with the address, or, from an
 * event written before it was sealed, as that event holds it. Null once erased (or before
 * ImageSubmitted): a URL left in clear text in the log is then not given out either.
 */
export async function personalDataOf(
  vault: Vault,
  events: readonly AnyDomainEvent[],
): Promise<PersonalData | null> {
  if (events.some((e) => e.type === "ErasureCompleted")) return null;
  const submitted = events.find((e) => e.type === "ImageSubmitted");
  if (submitted?.type !== "ImageSubmitted") return null;
  const { personal, webhookUrl } = submitted.data;
  if ("erased" in personal) return null;
  const data = "clear" in personal ? personal.clear : await openOrNull(vault, personal.sealed);
  if (!data || data.webhookUrl !== undefined || webhookUrl === undefined) return data;
  return { ...data, webhookUrl };
}

/** The address as the public status shows it: masked ("n***@example.com"), or "erased". */
export async function maskedEmailOf(vault: Vault, state: RequestState): Promise<string> {
  const { contact } = state;
  if (!contact) return ERASED;
  if ("masked" in contact) return contact.masked;
  const data = await openOrNull(vault, contact.sealed);
  return data ? maskEmail(data.email) : ERASED;
}

async function openOrNull(vault: Vault, sealed: SealedData): Promise<PersonalData | null> {
  try {
    return await vault.open(sealed);
  } catch (err) {
    if (err instanceof PersonalDataErasedError) return null;
    throw err;
  }
}
