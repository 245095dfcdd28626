import { OFFLINE_PROVIDER } from "@reimagine/contracts";
import type { PreflightCheck } from "@reimagine/platform";
import { type EndpointKind, endpointCheck } from "./endpoint-check";
import { type HubTask, hfTokenCheck, modelProviderCheck } from "./hub-checks";

/** How one stage reaches its model, as configured. */
export interface StageModel {
  /** The check's name, e.g. "caption model". */
  label: string;
  model: string;
  /** The Hub task the model must be served for through Inference Providers. */
  task: HubTask;
  /** What an endpoint URL for this stage speaks. */
  endpointKind: EndpointKind;
  endpointUrl?: string;
}

/** The HF settings every stage shares. */
export interface HfSettings {
  HF_TOKEN?: string;
  HF_PROVIDER: string;
  HF_HUB_URL: string;
}

/**
 * The checks of a stage's model: its endpoint answers (when it has an endpoint URL), or a provider
 * serves it for its task (through Inference Providers); without a token nor an endpoint, one
 * warning that the stage runs in the offline demo mode.
 */
export function stageModelChecks(stage: StageModel, hf: HfSettings): PreflightCheck[] {
  const hubUrl = hf.HF_HUB_URL.replace(/\/+$/, "");
  if (stage.endpointUrl) {
    const { label, model, endpointKind: kind, endpointUrl: url } = stage;
    return [endpointCheck({ label, url, kind, model, token: hf.HF_TOKEN })];
  }
  if (!hf.HF_TOKEN) {
    return [
      {
        name: stage.label,
        run: async () => ({
          status: "warn",
          detail: `${OFFLINE_PROVIDER} demo mode: no HF_TOKEN nor endpoint URL, so no model is involved`,
        }),
      },
    ];
  }
  const { label, model, task } = stage;
  return [modelProviderCheck({ label, hubUrl, token: hf.HF_TOKEN, model, task, provider: hf.HF_PROVIDER })];
}

/** The HF token check, when there is a token to check. */
export function hfTokenChecks(hf: HfSettings): PreflightCheck[] {
  return hf.HF_TOKEN ? [hfTokenCheck({ hubUrl: hf.HF_HUB_URL.replace(/\/+$/, ""), token: hf.HF_TOKEN })] : [];
}
