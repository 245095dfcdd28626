import type { EventType } from "../events/registry";
import type { Stage } from "../events/stage";

interface StepEvents {
  handles: readonly EventType[];
  produces: EventType;
  fails: EventType;
}

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
} as const satisfies Record<Stage, StepEvents>;

/**
 * Every step a reactor takes on a request: the three stages, and telling the person when a caption
 * or generation failed for good. The failure notice is no stage: it never fails the request and an
 * operator retries the stage that failed, not the notice.
 */
export const STEPS = {
  ...STAGES,
  failureNotice: {
    handles: ["CaptionFailed", "GenerationFailed"],
    produces: "FailureNotified",
    fails: "FailureNotificationFailed",
  },
} as const satisfies Record<string, StepEvents>;

/** A step a reactor takes: a stage, or the failure notice. */
export type Step = keyof typeof STEPS;

/** The success event type of a step. */
export type StepResultOf<S extends Step> = (typeof STEPS)[S]["produces"];

/** The failure event type of a step. */
export type StepFailureOf<S extends Step> = (typeof STEPS)[S]["fails"];

/** The success event type of a stage. */
export type StageResultOf<S extends Stage> = StepResultOf<S>;

/** The failure event type of a stage. */
export type StageFailureOf<S extends Stage> = StepFailureOf<S>;
