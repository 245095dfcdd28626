import { runStageWorker } from "@reimagine/core/ai-stages";
import { loadConfig } from "@reimagine/core/config";
import { startGenerationHandler } from "./generation-handler";

// config → event store → blobs → AI providers → handler → probes → signals, as every stage is wired
await runStageWorker("generation-handler", loadConfig(), (deps) =>
  startGenerationHandler({ ...deps, generator: deps.ai.generator }),
);
