import type { ImageInfo } from "../upload/inspect-image";

/** A registration that passed every check: a deliverable-looking email and an image we can decode. */
export interface Registration {
  email: string;
  image: ImageInfo & { bytes: Buffer; sha256: string };
}
