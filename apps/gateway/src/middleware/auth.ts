import { createMiddleware } from "hono/factory";
import { extractApiKey } from "../auth/extract-api-key.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/** Resolves the caller once and stores the identity in the request context. */
export function authMiddleware(authenticator: Authenticator) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const identity = await authenticator.authenticate(extractApiKey(c.req.raw.headers));
    c.set("identity", identity);
    await next();
  });
}
