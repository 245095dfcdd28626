import { runStageWorker } from "@reimagine/core/ai-stages";
import { loadConfig } from "@reimagine/core/config";
import { startCaptionHandler } from "./caption-handler";

// config → event store → blobs → AI providers → handler → probes → signals, as every stage is wired
await runStageWorker("caption-handler", loadConfig(), (deps) =>
  startCaptionHandler({ ...deps, captioner: deps.ai.captioner }),
);
