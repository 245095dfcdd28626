// The generation-handler's public entry: what the all-in-one process uses.
export { generatedImageKey } from "./generated-image-key";
export {
  createGenerationHandler,
  GENERATION_HANDLER_NAME,
  type GenerationHandlerDeps,
  startGenerationHandler,
} from "./generation-handler";
