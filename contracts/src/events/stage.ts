import * as z from "zod";

/** The three stages that can fail and be retried. */
export const Stage = z.enum(["caption", "generation", "notification"]);
export type Stage = z.infer<typeof Stage>;

/** Which AI backend served a stage; "offline" is the labelled demo mode. */
export const Provider = z.string().min(1).max(100);

/** The provider label of the offline demo mode: never a silent substitute for a model. */
export const OFFLINE_PROVIDER = "offline";
