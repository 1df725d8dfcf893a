import { AuthenticationError } from "@org/core";
import { Hono, type Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE, type DashboardSessions } from "../auth/dashboard-sessions.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { parseJsonObject } from "../http/parse-body.ts";
import { bodySizeLimit } from "../middleware/body-size-limit.ts";

/** Over https (directly or behind a proxy that says so) the cookie is also `Secure`. */
function overHttps(c: Context<GatewayEnv>): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * POST /v2/login and POST /v2/logout: mounted before the auth middleware (logging in needs no
 * key). The session itself lives only in an HttpOnly cookie holding a signed token; the master
 * key or virtual key is checked here and never stored in it.
 */
export function sessionLoginRoutes(
  sessions: DashboardSessions,
  maxRequestBodyBytes: number,
): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post("/v2/login", bodySizeLimit(maxRequestBodyBytes), async (c) => {
    const body = parseJsonObject(await c.req.raw.text());
    const { token, view, maxAgeSeconds } = await sessions.login(body);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      maxAge: Math.max(0, maxAgeSeconds),
      ...(overHttps(c) ? { secure: true } : {}),
    });
    c.header("cache-control", "no-store");
    return c.json(view);
  });
  app.post("/v2/logout", (c) => {
    // Nothing to revoke server side: the cookie is the session and it is cleared here.
    deleteCookie(c, SESSION_COOKIE, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      ...(overHttps(c) ? { secure: true } : {}),
    });
    return c.json({ ok: true });
  });
  return app;
}

/** GET /v2/session: after the auth middleware, which resolved the cookie (with its header). */
export function sessionInfoRoute(sessions: DashboardSessions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/v2/session", (c) => {
    const claims = c.get("session");
    if (!claims) {
      throw new AuthenticationError("No dashboard session: log in with POST /v2/login.", {
        code: "invalid_session",
      });
    }
    c.header("cache-control", "no-store");
    return c.json(sessions.view(c.get("identity"), claims));
  });
  return app;
}
