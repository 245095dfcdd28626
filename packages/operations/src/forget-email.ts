import { normalizeEmail } from "@reimagine/vault";
import { type ForgetDeps, type ForgetReport, forgetRequest } from "./forget-request";
import { UnknownRequestError } from "./unknown-request-error";

/** What `forget --email` did: one report per request of that address. */
export interface ForgetEmailReport {
  requests: ForgetReport[];
  /** Events read while looking for version-1 requests, which wrote the address in clear text. */
  scannedEvents: number;
}

/**
 * Forgets every request of an address: those the vault's index knows (sealed since version 2), and
 * the version-1 requests that wrote it in clear text, which only a pass over the log can find (about
 * 100k events a second). Idempotent, like forgetRequest.
 */
export async function forgetEmail(
  deps: ForgetDeps,
  email: string,
  options: { requestedBy: string; signal?: AbortSignal },
): Promise<ForgetEmailReport> {
  const ids = new Set(await deps.vault.requestsOf(email));
  const target = normalizeEmail(email);
  let scannedEvents = 0;
  for await (const { event } of deps.store.readAll({ signal: options.signal })) {
    scannedEvents++;
    if (event.type !== "ImageSubmitted" || !("clear" in event.data.personal)) continue;
    if (normalizeEmail(event.data.personal.clear.email) === target) ids.add(event.requestId);
  }
  const requests: ForgetReport[] = [];
  for (const requestId of [...ids].sort()) {
    try {
      requests.push(await forgetRequest(deps, requestId, options));
    } catch (err) {
      if (!(err instanceof UnknownRequestError)) throw err;
      // A submission whose event never reached the log left its key behind: it goes all the same.
      const keyErased = await deps.vault.forget(requestId);
      requests.push({
        requestId,
        alreadyErased: false,
        keyErased,
        removed: [],
        clearTextInLog: false,
        eventId: null,
      });
    }
  }
  return { requests, scannedEvents };
}
