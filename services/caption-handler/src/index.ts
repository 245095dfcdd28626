// The caption-handler's public entry: what the all-in-one process and the operator tools use.
export {
  CAPTION_HANDLER_NAME,
  type CaptionHandlerDeps,
  createCaptionHandler,
  startCaptionHandler,
} from "./caption-handler";
export type { Captioner, CaptionResult, ImageInput } from "./captioners/captioner";
export { captionModelChecks, createCaptioner } from "./captioners/create-captioner";
