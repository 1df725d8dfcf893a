import { Hono } from "hono";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/** GET /health/liveliness (and LiteLLM's /health/liveness spelling): no auth, no I/O. */
export function livelinessRoute(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const alive = () => new Response(JSON.stringify("I'm alive!"), {
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
  app.get("/health", async (c) => {
    const health = await deps.router.health();
    return c.json(health);
  });
  return app;
}
