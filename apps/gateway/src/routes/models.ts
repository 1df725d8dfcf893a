import type { Context } from "hono";
import { publicLitellmParams, publicModelInfo, type ModelList } from "@org/core";
import type { DeploymentInfo } from "@org/router";
import { mayUseModel } from "../auth/model-visibility.ts";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * GET /v1/models: the model groups this gateway serves, in OpenAI's list shape; for a virtual
 * key, only the groups it may call.
 */
export function modelsRoute(deps: GatewayDeps) {
  const created = Math.floor(Date.now() / 1000);
  return (c: Context<GatewayEnv>) => {
    const identity = c.get("identity");
    const list: ModelList = {
      object: "list",
      data: deps.router
        .modelGroups()
        .filter((id) => mayUseModel(identity, id, deps.accessGroupsOf))
        .map((id) => ({ id, object: "model" as const, created, owned_by: "openai" })),
    };
    return c.json(list);
  };
}

/**
 * GET /model/info and /v1/model/info: every deployment (from the config and added through
 * /model/new) in LiteLLM's shape, `{data: [{model_name, litellm_params, model_info}]}`, with no
 * credentials; a virtual key sees only the models it may call. `?litellm_model_id=` picks one.
 */
export function modelInfoRoute(deps: GatewayDeps) {
  return async (c: Context<GatewayEnv>) => {
    const identity = c.get("identity");
    const id = c.req.query("litellm_model_id");
    // Cooldowns come from the router's shared state (no provider call), for the dashboard.
    const health = await deps.router.health();
    const cooldowns = new Map(health.unhealthy.map((d) => [d.id, d.cooldownUntil]));
    const data = deps.router
      .deployments()
      .filter(
        (d) =>
          (id === undefined || d.id === id) &&
          mayUseModel(identity, d.modelName, deps.accessGroupsOf),
      )
      .map((d) => modelInfoEntry(d, cooldowns.get(d.id)));
    return c.json({ data });
  };
}

function modelInfoEntry(d: DeploymentInfo, cooldownUntil: number | undefined) {
  return {
    model_name: d.modelName,
    // Only fields known to be harmless (an allowlist): any key allowed to call the model reads
    // this, and providers keep adding credential fields (hf_token, headers, ...).
    litellm_params: publicLitellmParams(d.litellmParams),
    model_info: {
      ...publicModelInfo(d.modelInfo),
      id: d.id,
      db_model: d.modelInfo.db_model === true,
      litellm_provider: d.provider,
      max_input_tokens: d.maxInputTokens ?? null,
      max_output_tokens: d.maxOutputTokens ?? null,
      input_cost_per_token: d.inputCostPerToken ?? null,
      output_cost_per_token: d.outputCostPerToken ?? null,
      // Ours: whether the router is skipping this deployment after failures, and until when.
      in_cooldown: cooldownUntil !== undefined,
      cooldown_until: cooldownUntil === undefined ? null : new Date(cooldownUntil).toISOString(),
    },
  };
}
