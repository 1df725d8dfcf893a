import { AuthenticationError, InvalidRequestError, RateLimitError } from "@org/core";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "@hono/node-server/conninfo";
import { SESSION_COOKIE, type DashboardSessions } from "../auth/dashboard-sessions.ts";
import type { LoginAttempt, LoginAudit } from "../auth/login-audit.ts";
import { createLoginThrottle } from "../auth/login-throttle.ts";
import { DASHBOARD_HEADER } from "../auth/session-cookie-routes.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { invalidJsonError } from "../http/error-response.ts";
import { parseJsonObject } from "../http/parse-body.ts";
import { bodySizeLimit } from "../middleware/body-size-limit.ts";

/** Over https (directly or behind a proxy that says so) the cookie is also `Secure`. */
function overHttps(c: Context<GatewayEnv>): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * Login CSRF guard: a cross-site form can post text/plain (which can spell a JSON body) or
 * urlencoded, but never `application/json` nor a custom header without a CORS preflight, which
 * the gateway does not answer. Without it another site could log a visitor in as the attacker's
 * key, or out.
 */
function refuseCrossSiteForm(c: Context<GatewayEnv>): void {
  if (c.req.header(DASHBOARD_HEADER) === "1") return;
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") return;
  throw new InvalidRequestError(
    `Send the body as Content-Type: application/json, or the header '${DASHBOARD_HEADER}: 1'.`,
    { code: "invalid_content_type" },
  );
}

/**
 * The login body. JSON.parse's message quotes the text around the error, which here is the
 * password or key (an `sk-` key is redacted from errors, a UI_PASSWORD has no shape to redact):
 * so a malformed body gets one message that quotes nothing.
 */
function parseLoginBody(text: string): Record<string, unknown> {
  try {
    return parseJsonObject(text);
  } catch {
    throw invalidJsonError('expected a JSON object: {"username", "password"} or {"api_key"}');
  }
}

/** The TCP peer's address (not a forwarded header, which the client could set). */
function peerAddress(c: Context<GatewayEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // Not served by @hono/node-server (app.request in tests): one shared bucket.
    return "unknown";
  }
}

/**
 * POST /v2/login and POST /v2/logout: mounted before the auth middleware (logging in needs no
 * key). The session itself lives only in an HttpOnly cookie holding a signed token; the master
 * key or virtual key is checked here and never stored in it.
 */
/** Logins checked at once per instance; more get a 429 (each may cost a scrypt). */
const MAX_LOGINS_IN_PROGRESS = 4;

export function sessionLoginRoutes(
  sessions: DashboardSessions,
  maxRequestBodyBytes: number,
  /** One log line per login success or refusal, and the refusal counter (login-audit.ts). */
  audit?: LoginAudit,
): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const throttle = createLoginThrottle();
  // Password checks run scrypt on libuv's small thread pool (shared with DNS, files and zlib):
  // a flood of logins, each costing a scrypt or several, must not slow every other request.
  let loginsInProgress = 0;
  app.post("/v2/login", bodySizeLimit(maxRequestBodyBytes), async (c) => {
    refuseCrossSiteForm(c);
    const address = peerAddress(c);
    const text = await c.req.raw.text();
    const attempt: LoginAttempt = {
      body: undefined,
      ip: address,
      forwardedFor: c.req.header("x-forwarded-for"),
    };
    let ticket: { release(): void };
    try {
      if (loginsInProgress >= MAX_LOGINS_IN_PROGRESS) {
        throw new RateLimitError("Too many logins in progress. Try again shortly.", {
          code: "too_many_login_attempts",
          retryAfterMs: 1000,
        });
      }
      ticket = throttle.begin(address);
    } catch (error) {
      // A locked-out address is still audited, with whom it tried to log in as.
      attempt.body = (() => {
        try {
          return parseLoginBody(text);
        } catch {
          return undefined;
        }
      })();
      audit?.failed(attempt, "throttled");
      throw error;
    }
    loginsInProgress++;
    let login: Awaited<ReturnType<DashboardSessions["login"]>>;
    try {
      const body = parseLoginBody(text);
      attempt.body = body;
      login = await sessions.login(body);
    } catch (error) {
      // Only refused credentials stay counted: a malformed body guesses nothing, an outage is ours.
      if (error instanceof AuthenticationError) audit?.failed(attempt, "invalid_credentials");
      else ticket.release();
      throw error;
    } finally {
      loginsInProgress--;
    }
    ticket.release();
    const { token, view, maxAgeSeconds } = login;
    audit?.succeeded(attempt, view);
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
    refuseCrossSiteForm(c);
    // The token is revoked (a copy replayed later is refused) and the cookie cleared.
    const token = getCookie(c, SESSION_COOKIE);
    if (token !== undefined) sessions.revoke(token);
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
