// The caption-handler's public entry: what the all-in-one process uses.
export {
  CAPTION_HANDLER_NAME,
  type CaptionHandlerDeps,
  createCaptionHandler,
  startCaptionHandler,
} from "./caption-handler";
