import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Hono } from "hono";
import { dashboardAssetsDir } from "@org/dashboard";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * GET /ui: the admin dashboard's static page (a placeholder until the dashboard issue). The page
 * itself holds no data; everything it shows comes from the management API with the user's key.
 */
export function dashboardRoute(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  let page: Promise<string> | undefined;
  const serve = async () => {
    page ??= readFile(join(dashboardAssetsDir, "index.html"), "utf8");
    return new Response(await page, { headers: { "content-type": "text/html; charset=utf-8" } });
  };
  app.get("/ui", serve);
  app.get("/ui/", serve);
  return app;
}
