import { AuthenticationError } from "@org/core";
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import { checkAllowedRoute } from "../auth/allowed-routes.ts";
import { extractApiKey } from "../auth/extract-api-key.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import { SESSION_COOKIE, type DashboardSessions } from "../auth/dashboard-sessions.ts";
import { acceptsSessionCookie, DASHBOARD_HEADER } from "../auth/session-cookie-routes.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * Resolves the caller once and stores the identity in the request context. A key limited to
 * some routes (`allowed_routes`) is refused any other one here, before the route runs.
 *
 * A presented key always wins. Without one, the dashboard's session cookie is the caller on the
 * management and info routes, and only with the `x-dashboard-request: 1` header (CSRF guard).
 */
export function authMiddleware(authenticator: Authenticator, sessions?: DashboardSessions) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const token = extractApiKey(c.req.raw.headers);
    const fromSession =
      token === undefined && sessions ? await sessionIdentity(c, sessions) : undefined;
    const identity = fromSession ?? (await authenticator.authenticate(token, c.get("requestId")));
    checkAllowedRoute(identity, c.req.path);
    c.set("identity", identity);
    await next();
  });
}

async function sessionIdentity(c: Context<GatewayEnv>, sessions: DashboardSessions) {
  if (!acceptsSessionCookie(c.req.path)) return undefined;
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie === undefined) return undefined;
  if (c.req.header(DASHBOARD_HEADER) !== "1") {
    throw new AuthenticationError(
      `The dashboard session cookie is accepted only with the header '${DASHBOARD_HEADER}: 1'. Send it, or an API key.`,
      { code: "dashboard_header_missing" },
    );
  }
  const { identity, claims } = await sessions.resolve(cookie);
  c.set("session", claims);
  return identity;
}
