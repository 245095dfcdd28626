import * as z from "zod";

/** W3C trace context header value: version-traceid-parentid-flags. */
export const Traceparent = z
  .string()
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, "not a W3C traceparent");

/** Who caused an event and which flow it belongs to; carried by every event. */
export const EventMetadata = z.object({
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200),
  traceparent: Traceparent.optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** Request ids are UUIDs (v7 for new requests); they also form NATS subject tokens. */
export const RequestId = z.uuid();

/** The envelope as stored: data is validated separately against (type, schemaVersion). */
export const RawEnvelope = z.object({
  id: z.uuidv7(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  requestId: RequestId,
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.unknown(),
  metadata: EventMetadata,
});
export type RawEnvelope = z.infer<typeof RawEnvelope>;
