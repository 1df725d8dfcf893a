import { createMiddleware } from "hono/factory";
import { checkAllowedRoute } from "../auth/allowed-routes.ts";
import { extractApiKey } from "../auth/extract-api-key.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * Resolves the caller once and stores the identity in the request context. A key limited to
 * some routes (`allowed_routes`) is refused any other one here, before the route runs.
 */
export function authMiddleware(authenticator: Authenticator) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const identity = await authenticator.authenticate(extractApiKey(c.req.raw.headers));
    checkAllowedRoute(identity, c.req.path);
    c.set("identity", identity);
    await next();
  });
}
