import { createHash } from "node:crypto";
import { v7 as uuidv7 } from "uuid";

/**
 * The id of the event a stage records for a trigger and run: the same for every delivery of that
 * trigger, so two deliveries that both get as far as the append (a redelivery while the first is
 * still in an append held up by a leader election) publish one event id, and JetStream's
 * deduplication (`Nats-Msg-Id`) stores it once. The expected version alone does not suffice on a
 * replicated stream: nats-server 2.9 lets two appends that expect the same last sequence of a
 * subject both through while neither is applied yet (seen in the chaos suite's cluster scenario).
 * A UUIDv7 with the trigger's timestamp, whose random bits come from a hash of trigger, type and run.
 */
export function resultEventId(triggerId: string, type: string, run: number): string {
  const random = createHash("sha256").update(`${triggerId}\n${type}\n${run}`).digest().subarray(0, 16);
  const msecs = Number.parseInt(triggerId.replaceAll("-", "").slice(0, 12), 16);
  return uuidv7({ msecs, random });
}
