import type { RequestState } from "@reimagine/contracts";
import type { Logger } from "@reimagine/platform";
import { KeyStoreUnavailableError, maskedEmailOf, type Vault } from "@reimagine/vault";

/** What the status shows when the key bucket cannot be reached: it says nothing of the address. */
const UNKNOWN = "***";

/**
 * The address as the public status shows it: masked, or "erased". The status keeps answering while
 * the key bucket is unreachable (the read model may still be there), with the address unshown.
 */
export async function shownEmail(vault: Vault, state: RequestState, logger: Logger): Promise<string> {
  try {
    return await maskedEmailOf(vault, state);
  } catch (err) {
    if (!(err instanceof KeyStoreUnavailableError)) throw err;
    logger.warn({ err, requestId: state.requestId }, "key bucket unavailable; the status shows no address");
    return UNKNOWN;
  }
}
