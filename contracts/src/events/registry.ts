import type * as z from "zod";
import { CancelRequestedV1 } from "./cancel-requested";
import { CaptionProducedV1, CaptionProducedV2, upcastCaptionProducedV1 } from "./caption-produced";
import { ErasureCompletedV1, ImagesExpiredV1 } from "./erasure";
import { FailureNotificationFailedV1, FailureNotifiedV1 } from "./failure-notified";
import { ImageGeneratedV1 } from "./image-generated";
import { ImageSubmittedV1, ImageSubmittedV2, upcastImageSubmittedV1 } from "./image-submitted";
import { RetryRequestedV1 } from "./retry-requested";
import { CaptionFailedV1, GenerationFailedV1, NotificationFailedV1 } from "./stage-failed";
import { UserNotifiedV1 } from "./user-notified";
import { WebhookDeliveredV1, WebhookFailedV1 } from "./webhook-outcome";

type Schema = z.ZodType;

/**
 * One entry per event type: the schema of the version written today, and for every older version
 * its schema and a function that lifts it one version up. Reading applies the chain until latest.
 */
export interface EventDefinition<S extends Schema = Schema> {
  version: number;
  schema: S;
  legacy?: Record<number, { schema: Schema; upcast: (data: never) => unknown }>;
}

function define<S extends Schema>(d: EventDefinition<S>): EventDefinition<S> {
  return d;
}

export const eventDefinitions = {
  ImageSubmitted: define({
    version: 2,
    schema: ImageSubmittedV2,
    legacy: { 1: { schema: ImageSubmittedV1, upcast: upcastImageSubmittedV1 } },
  }),
  CaptionProduced: define({
    version: 2,
    schema: CaptionProducedV2,
    legacy: { 1: { schema: CaptionProducedV1, upcast: upcastCaptionProducedV1 } },
  }),
  CaptionFailed: define({ version: 1, schema: CaptionFailedV1 }),
  ImageGenerated: define({ version: 1, schema: ImageGeneratedV1 }),
  GenerationFailed: define({ version: 1, schema: GenerationFailedV1 }),
  UserNotified: define({ version: 1, schema: UserNotifiedV1 }),
  NotificationFailed: define({ version: 1, schema: NotificationFailedV1 }),
  RetryRequested: define({ version: 1, schema: RetryRequestedV1 }),
  FailureNotified: define({ version: 1, schema: FailureNotifiedV1 }),
  FailureNotificationFailed: define({ version: 1, schema: FailureNotificationFailedV1 }),
  ErasureCompleted: define({ version: 1, schema: ErasureCompletedV1 }),
  ImagesExpired: define({ version: 1, schema: ImagesExpiredV1 }),
  CancelRequested: define({ version: 1, schema: CancelRequestedV1 }),
  WebhookDelivered: define({ version: 1, schema: WebhookDeliveredV1 }),
  WebhookFailed: define({ version: 1, schema: WebhookFailedV1 }),
} as const;

type Definitions = typeof eventDefinitions;
export type EventType = keyof Definitions;
export type EventData<T extends EventType> = z.infer<Definitions[T]["schema"]>;
export const eventTypes = Object.keys(eventDefinitions) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventDefinitions, type);
}
