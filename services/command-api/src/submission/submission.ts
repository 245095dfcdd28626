import type { ImageInfo } from "../upload/inspect-image";

/** A submission that passed every check: a deliverable-looking email, an image we can decode, a callable webhook. */
export interface Submission {
  email: string;
  image: ImageInfo & { bytes: Buffer; sha256: string };
  /** Where to POST the outcome: a public http(s) URL (checked), or null. */
  webhookUrl: string | null;
}
