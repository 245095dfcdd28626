import { createHash } from "node:crypto";

/**
 * The id of the event a stage records for a trigger and run: the same for every delivery of that
 * trigger, so two deliveries that both get as far as the append (a redelivery while the first is
 * still in an append held up by a leader election) publish one event id, and JetStream's
 * deduplication (`Nats-Msg-Id`) stores it once. The expected version alone does not suffice on a
 * replicated stream: nats-server 2.9 lets two appends that expect the same last sequence of a
 * subject both through while neither is applied yet (seen in the chaos suite's cluster scenario).
 * A UUIDv7 with the trigger's timestamp; the rest from a hash of trigger, type and run.
 */
export function resultEventId(triggerId: string, type: string, run: number): string {
  const hash = createHash("sha256").update(`${triggerId}\n${type}\n${run}`).digest("hex");
  const millis = triggerId.replaceAll("-", "").slice(0, 12);
  const variant = ((Number.parseInt(hash.slice(3, 5), 16) & 0x3f) | 0x80).toString(16);
  const tail = `${variant}${hash.slice(5, 19)}`;
  return `${millis.slice(0, 8)}-${millis.slice(8, 12)}-7${hash.slice(0, 3)}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`;
}
