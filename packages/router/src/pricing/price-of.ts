import type { Deployment } from "../deployments/deployment.ts";
import { toNumber } from "../util/to-number.ts";

/** USD per token. */
export interface TokenPrice {
  readonly input: number;
  readonly output: number;
}

/**
 * The price port: what one token costs on a deployment. The default reads
 * `input_cost_per_token` / `output_cost_per_token` from litellm_params, then model_info; the
 * gateway plugs the @org/core price catalog in here once it exists.
 */
export type PriceOf = (deployment: Deployment) => TokenPrice | undefined;

export const configuredPrice: PriceOf = (deployment) => {
  const lp = deployment.entry.litellm_params;
  const info = deployment.entry.model_info ?? {};
  const input = toNumber(lp.input_cost_per_token) ?? toNumber(info.input_cost_per_token);
  const output = toNumber(lp.output_cost_per_token) ?? toNumber(info.output_cost_per_token);
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0 };
};

/** USD for a usage, or undefined when the price is unknown. */
export function costOf(
  price: TokenPrice | undefined,
  promptTokens: number,
  completionTokens: number,
): number | undefined {
  if (price === undefined) return undefined;
  return price.input * promptTokens + price.output * completionTokens;
}
