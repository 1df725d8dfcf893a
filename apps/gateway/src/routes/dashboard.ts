import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { Hono, type Context } from "hono";
import { NotFoundError } from "@org/core";
import { dashboardAssetsDir } from "@org/dashboard";
import { errorResponse } from "../http/error-response.ts";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * GET /ui and /ui/*: the admin dashboard, a single-page app built by Vite into
 * apps/dashboard/dist. Files under /ui/assets/ have content hashes in their names, so they are
 * cached for a year; every other path under /ui is a client-side route and gets index.html with
 * no-cache (a new build is picked up on the next load). The page holds no data and no secret:
 * everything it shows comes from the management API with the session cookie.
 */

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".ico": "image/x-icon",
};

// Only plain file names directly in dist/assets: no separators, no "..", nothing encoded. Anything
// else under /ui/assets/ is a 404, so no request can name a file outside the folder.
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;

// Mantine sets inline style attributes and <style> CSS variables, hence 'unsafe-inline' for styles
// only; scripts come from the same origin alone, and the page calls nothing but this gateway.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Dashboard not built</title>
<p>The dashboard has not been built. Run <code>pnpm --filter @org/dashboard build</code>
(or <code>pnpm install</code>, which builds it) and reload.</p>`;

export function dashboardRoute(options: { assetsDir?: string } = {}): Hono<GatewayEnv> {
  const dir = options.assetsDir ?? dashboardAssetsDir;
  const app = new Hono<GatewayEnv>();

  const page = async (c: Context<GatewayEnv>) => {
    const html = await readFile(join(dir, "index.html"), "utf8").catch(() => undefined);
    if (html === undefined) {
      return c.html(NOT_BUILT, 503, { ...SECURITY_HEADERS, "cache-control": "no-store" });
    }
    return c.html(html, 200, { ...SECURITY_HEADERS, "cache-control": "no-cache" });
  };

  app.get("/ui/assets/:name{.+}", async (c) => {
    const name = c.req.param("name");
    const type = CONTENT_TYPES[extname(name)];
    if (!ASSET_NAME.test(name) || name.includes("..") || !type) return notFound(c);
    const body = await readFile(join(dir, "assets", name)).catch(() => undefined);
    if (!body) return notFound(c);
    return c.body(new Uint8Array(body), 200, {
      ...SECURITY_HEADERS,
      "content-type": type,
      "cache-control": "public, max-age=31536000, immutable",
    });
  });
  app.get("/ui", page);
  app.get("/ui/*", page);
  return app;
}

/** A missing asset answers like any unknown route: a JSON 404 in OpenAI's envelope. */
function notFound(c: Context<GatewayEnv>) {
  const res = errorResponse(new NotFoundError(`Not found: GET ${c.req.path}`));
  res.headers.set("x-content-type-options", "nosniff");
  res.headers.set("cache-control", "no-store");
  return res;
}
