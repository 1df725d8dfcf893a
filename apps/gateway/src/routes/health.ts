import { Hono } from "hono";
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

/** Readiness (dependencies reachable) and per-model health. Both need a key. */
export function healthRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/health/readiness", async (c) => {
    const report = await deps.readiness();
    return c.json(report, report.status === "healthy" ? 200 : 503);
  });
  // LiteLLM's shape. Status comes from the router's shared state (cooldowns), so probing it
  // costs no provider call and no tokens.
  app.get("/health", async (c) => {
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
