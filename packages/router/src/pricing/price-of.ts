import {
  lookupModel,
  priceBound,
  priceUsage,
  type BillableUsage,
  type ResolvedModel,
} from "@org/core";
import type { Deployment } from "../deployments/deployment.ts";

/**
 * The price port: the priced model a deployment bills at, or undefined when its price is unknown.
 * One answer serves both the reservation before the call (`boundCost`) and the charge after it
 * (`usageCost`), so the two can never price a deployment differently.
 */
export type PriceOf = (deployment: Deployment) => ResolvedModel | undefined;

/** Deployments are immutable and built once per model list: resolve each one once. */
const resolved = new WeakMap<Deployment, ResolvedModel | null>();

/**
 * The default price port: @org/core's catalog for the deployment's provider and model (or its
 * `base_model`), with `litellm_params` winning over `model_info` winning over the catalog, field
 * by field (input, output, cache read, cache write, reasoning, the `*_above_<N>k_tokens` tier).
 */
export const deploymentPrice: PriceOf = (deployment) => {
  let model = resolved.get(deployment);
  if (model === undefined) {
    const found = lookupModel(deployment.provider, deployment.target.model, {
      litellm_params: deployment.entry.litellm_params,
      ...(deployment.entry.model_info === undefined
        ? {}
        : { model_info: deployment.entry.model_info }),
    });
    model = found === undefined || found.priceSource === "none" ? null : found;
    resolved.set(deployment, model);
  }
  return model ?? undefined;
};

/**
 * USD the usage cost, cache reads, writes, reasoning and tiers included (a model priced per
 * second: `seconds` of the request); undefined: unknown price.
 */
export function usageCost(
  price: ResolvedModel | undefined,
  usage: BillableUsage,
  kind: "chat" | "embedding",
  seconds: number,
): number | undefined {
  if (price === undefined) return undefined;
  return priceUsage(price, usage, kind, seconds).cost;
}

/**
 * The most `promptTokens` plus `outputTokens` of output can cost (a model priced per second:
 * `maxSeconds`); undefined: unknown price.
 */
export function boundCost(
  price: ResolvedModel | undefined,
  promptTokens: number,
  outputTokens: number,
  kind: "chat" | "embedding",
  maxSeconds: number,
): number | undefined {
  if (price === undefined) return undefined;
  return priceBound(price, promptTokens, outputTokens, kind, maxSeconds).cost;
}
