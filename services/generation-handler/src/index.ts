// The generation-handler's public entry: what the all-in-one process and the operator tools use.
export {
  createGenerationHandler,
  GENERATION_HANDLER_NAME,
  type GenerationHandlerDeps,
  startGenerationHandler,
} from "./generation-handler";
export { createImageGenerator, generationModelChecks } from "./generators/create-image-generator";
export type { GeneratedImage, ImageGenerator } from "./generators/image-generator";
