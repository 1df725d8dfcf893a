import { Hono } from "hono";
import { InvalidRequestError, NotFoundError, PermissionDeniedError } from "@org/core";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { readJson } from "../http/parse-body.ts";

const MAX_KEYS = 1000;

/**
 * LiteLLM's cache admin routes, for the proxy admin only (the master key, or a key of a
 * `proxy_admin` user): `GET /cache/ping` (is the cache up, which type) and `POST /cache/delete`
 * (`{"keys": [...]}`, the values of `x-litellm-cache-key`), e.g. to drop a bad cached answer.
 * Without a cache both answer 404 naming the setting (LiteLLM answers 503; nothing here is
 * unavailable, the feature is off). A cache whose Redis is down pings 503.
 */
export function cacheAdminRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.use("/cache/*", async (c, next) => {
    const identity = c.get("identity");
    const admin =
      identity?.kind === "master" ||
      (identity?.kind === "virtual_key" && identity.userRole === "proxy_admin");
    if (!admin) throw new PermissionDeniedError("Only the proxy admin may use the /cache routes.");
    // Not a server fault: the operator has not turned the cache on, so there is none to ping.
    if (deps.cache === undefined)
      throw new NotFoundError(
        "The response cache is not on: set litellm_settings.cache: true in the config.",
      );
    await next();
  });
  app.get("/cache/ping", (c) => {
    const status = deps.cache!.status();
    return c.json(
      {
        status: status.connected ? "healthy" : "unhealthy",
        cache_type: status.type,
        ping_response: status.connected,
      },
      status.connected ? 200 : 503,
    );
  });
  app.post("/cache/delete", async (c) => {
    const body = (await readJson(c.req.raw)) as { keys?: unknown } | null;
    const keys = body?.keys;
    if (
      !Array.isArray(keys) ||
      keys.length > MAX_KEYS ||
      !keys.every((key) => typeof key === "string" && key !== "" && key.length <= 512)
    )
      throw new InvalidRequestError(
        `keys must be a list of at most ${MAX_KEYS} cache keys (the x-litellm-cache-key values).`,
        { param: "keys" },
      );
    await deps.cache!.delete(keys as string[]);
    return c.json({ status: "success" });
  });
  return app;
}
