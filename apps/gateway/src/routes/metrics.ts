import { Hono } from "hono";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * `GET /metrics`: Prometheus' text format with LiteLLM's metric names and labels, so existing
 * Grafana dashboards keep working. Open like LiteLLM's, or behind a key when
 * `litellm_settings.require_auth_for_metrics_endpoint` is set (the app mounts it after auth then).
 */
export function metricsRoute(deps: GatewayDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/metrics", async () => {
    const { contentType, body } = await deps.observability!.scrape(deps.inFlight.count);
    return new Response(body, { headers: { "content-type": contentType } });
  });
  return app;
}
