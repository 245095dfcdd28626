/**
 * The events of each AI stage: what triggers it (its input, or an operator's retry), what it
 * records when it succeeds, and what when it gives up (reason, httpStatus, attempts, provider).
 */
export const AI_STAGES = {
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
} as const;

export type AiStage = keyof typeof AI_STAGES;

/** The success event type of an AI stage. */
export type StageResultOf<S extends AiStage> = (typeof AI_STAGES)[S]["produces"];
