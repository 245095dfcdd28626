import type { EventType } from "../events/registry";
import type { Stage } from "../events/stage";

/**
 * The events of each stage: what triggers it (its input, or an operator's retry), what it records
 * when it succeeds, and what when it gives up.
 */
export const STAGES = {
  caption: {
    handles: ["ImageSubmitted", "RetryRequested"],
    produces: "CaptionProduced",
    fails: "CaptionFailed",
  },
  generation: {
    handles: ["CaptionProduced", "RetryRequested"],
    produces: "ImageGenerated",
    fails: "GenerationFailed",
  },
  notification: {
    handles: ["ImageGenerated", "RetryRequested"],
    produces: "UserNotified",
    fails: "NotificationFailed",
  },
} as const satisfies Record<Stage, { handles: readonly EventType[]; produces: EventType; fails: EventType }>;

/** The success event type of a stage. */
export type StageResultOf<S extends Stage> = (typeof STAGES)[S]["produces"];

/** The failure event type of a stage. */
export type StageFailureOf<S extends Stage> = (typeof STAGES)[S]["fails"];
