import { maskEmail } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import { ERASED, personalDataOf, type Vault } from "@reimagine/vault";
import { describeEvent, type EventLine } from "./describe-event";
import { redactHistory } from "./redact-erased";
import { UnknownRequestError } from "./unknown-request-error";

/** The whole ordered history of one request, as operator-readable lines (the address masked, or "erased"). */
export async function requestTimeline(
  store: EventStore,
  vault: Vault,
  requestId: string,
): Promise<EventLine[]> {
  const history = await store.readRequest(requestId);
  if (history.events.length === 0) throw new UnknownRequestError(requestId);
  const personal = await personalDataOf(
    vault,
    history.events.map((s) => s.event),
  );
  const shown = { email: personal ? maskEmail(personal.email) : ERASED };
  return redactHistory(history.events).map((s) => describeEvent(s.event, s.position, shown));
}
