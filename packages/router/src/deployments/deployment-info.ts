import type { PriceOf } from "../pricing/price-of.ts";
import type { Deployment } from "./deployment.ts";
import { publicApiBase, publicParams } from "./secret-params.ts";

/** A deployment as /health and /model/info show it: no credential, ever. */
export interface DeploymentInfo {
  readonly id: string;
  /** model_name: the group (or wildcard pattern). */
  readonly modelName: string;
  /** litellm_params.model, "provider/model". */
  readonly model: string;
  readonly provider: string;
  readonly apiBase?: string;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly weight?: number;
  readonly maxInputTokens?: number;
  readonly maxOutputTokens?: number;
  readonly inputCostPerToken?: number;
  readonly outputCostPerToken?: number;
  /** litellm_params without credentials or extra headers. */
  readonly litellmParams: Record<string, unknown>;
  /** model_info, with the id filled in. */
  readonly modelInfo: Record<string, unknown>;
}

export function toDeploymentInfo(d: Deployment, priceOf: PriceOf): DeploymentInfo {
  const apiBase = publicApiBase(d.target.apiBase);
  const price = priceOf(d);
  return {
    id: d.id,
    modelName: d.modelGroup,
    model: d.model,
    provider: d.provider,
    ...(apiBase === undefined ? {} : { apiBase }),
    ...(d.rpm === undefined ? {} : { rpm: d.rpm }),
    ...(d.tpm === undefined ? {} : { tpm: d.tpm }),
    ...(d.weight === undefined ? {} : { weight: d.weight }),
    ...(d.maxInputTokens === undefined ? {} : { maxInputTokens: d.maxInputTokens }),
    ...(d.maxOutputTokens === undefined ? {} : { maxOutputTokens: d.maxOutputTokens }),
    ...(price === undefined
      ? {}
      : {
          inputCostPerToken: price.input_cost_per_token,
          outputCostPerToken: price.output_cost_per_token,
        }),
    litellmParams: publicParams(d.entry.litellm_params),
    modelInfo: { ...publicParams(d.entry.model_info ?? {}), id: d.id },
  };
}
