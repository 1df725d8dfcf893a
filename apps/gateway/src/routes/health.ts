import { Hono } from "hono";
import { PermissionDeniedError } from "@org/core";
import type { AuthIdentity } from "@org/budgets";
import { callerFrom } from "@org/management";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/** GET /health/liveliness (and LiteLLM's /health/liveness spelling): no auth, no I/O. */
export function livelinessRoute(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const alive = () =>
    new Response(JSON.stringify("I'm alive!"), {
      headers: { "content-type": "application/json" },
    });
  app.get("/health/liveliness", alive);
  app.get("/health/liveness", alive);
  return app;
}

/** Readiness (dependencies reachable; any key) and per-model health (admins only). */
export function healthRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/health/readiness", async (c) => {
    const report = await deps.readiness();
    return c.json(report, report.status === "healthy" ? 200 : 503);
  });
  // LiteLLM's shape. Status comes from the router's shared state (cooldowns), so probing it
  // costs no provider call and no tokens.
  app.get("/health", async (c) => {
    // Every deployment (model, provider, id) is the operator's business, not a key holder's:
    // admins and admin viewers only, as LiteLLM. A virtual key (or its dashboard session) gets a
    // 403 in the management API's envelope; /health/readiness stays open to any key.
    const caller = callerFrom(c.get("identity") as unknown as AuthIdentity);
    if (caller.role !== "proxy_admin" && caller.role !== "proxy_admin_viewer") {
      throw new PermissionDeniedError(
        `Only proxy admins can read /health (every deployment). Your role: ${caller.role}.`,
        { code: "403" },
      );
    }
    const health = await deps.router.health();
    const endpoint = (d: (typeof health.healthy)[number] & { cooldownUntil?: number }) => ({
      model: d.model,
      model_name: d.modelName,
      model_id: d.id,
      provider: d.provider,
      ...(d.cooldownUntil ? { cooldown_until: new Date(d.cooldownUntil).toISOString() } : {}),
    });
    return c.json({
      healthy_endpoints: health.healthy.map(endpoint),
      unhealthy_endpoints: health.unhealthy.map(endpoint),
      healthy_count: health.healthy.length,
      unhealthy_count: health.unhealthy.length,
      router_state: health.store,
    });
  });
  return app;
}
