import { splitProviderModel } from "@org/core";
import type { DeploymentInfo } from "@org/router";

/** One deployment that may serve a requested model: its provider and the model it is sent. */
export interface GroupTarget {
  provider: string;
  model: string;
}

/**
 * The provider/model of every deployment the router would pick from for `requested`: the
 * group of that exact model_name, else the most specific wildcard pattern matching it (with
 * `*` in litellm_params.model filled from the requested name, the router's rule). Empty when
 * nothing matches, or when the name is a model_group_alias (the router does not expose its
 * aliases); callers treat empty as "unknown provider".
 */
export function groupTargets(
  deployments: readonly DeploymentInfo[],
  requested: string,
): GroupTarget[] {
  const exact = deployments.filter((d) => d.modelName === requested && !d.modelName.includes("*"));
  if (exact.length > 0) return exact.map((d) => ({ provider: d.provider, model: bareModel(d) }));

  let best: { pattern: string; match: RegExpExecArray } | undefined;
  for (const pattern of new Set(deployments.map((d) => d.modelName))) {
    if (!pattern.includes("*")) continue;
    const match = wildcardRegex(pattern).exec(requested);
    if (match === null) continue;
    if (best === undefined || moreSpecific(pattern, best.pattern)) best = { pattern, match };
  }
  if (best === undefined) return [];
  const { pattern, match } = best;
  return deployments
    .filter((d) => d.modelName === pattern)
    .map((d) => {
      if (!d.model.includes("*")) return { provider: d.provider, model: bareModel(d) };
      return providerAndModel(substitute(d.model, match), d.litellmParams.custom_llm_provider);
    });
}

function bareModel(d: DeploymentInfo): string {
  return providerAndModel(d.model, d.litellmParams.custom_llm_provider).model;
}

function providerAndModel(model: string, customProvider: unknown): GroupTarget {
  if (typeof customProvider === "string" && customProvider !== "") {
    const prefix = `${customProvider}/`;
    return {
      provider: customProvider,
      model: model.startsWith(prefix) ? model.slice(prefix.length) : model,
    };
  }
  return splitProviderModel(model);
}

function wildcardRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "(.*)");
  return new RegExp(`^${escaped}$`);
}

/** LiteLLM's order: longer patterns first, then those with more wildcards. */
function moreSpecific(a: string, b: string): boolean {
  if (a.length !== b.length) return a.length > b.length;
  return a.split("*").length > b.split("*").length;
}

/** Each `*` takes the next captured segment; more segments than wildcards pass the name through. */
function substitute(configured: string, match: RegExpExecArray): string {
  const segments = match.slice(1);
  if (segments.length > configured.split("*").length - 1) return match[0];
  let out = configured;
  for (const segment of segments) out = out.replace("*", segment ?? "");
  return out;
}
