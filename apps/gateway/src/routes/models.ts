import type { Context } from "hono";
import type { ModelList } from "@org/core";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/** GET /v1/models: the model groups this gateway serves, in OpenAI's list shape. */
export function modelsRoute(deps: GatewayDeps) {
  const created = Math.floor(Date.now() / 1000);
  return (c: Context<GatewayEnv>) => {
    const list: ModelList = {
      object: "list",
      data: deps.router
        .modelGroups()
        .map((id) => ({ id, object: "model" as const, created, owned_by: "openai" })),
    };
    return c.json(list);
  };
}
