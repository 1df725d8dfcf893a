import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardRoute } from "./dashboard.ts";

// The /ui file server over a throw-away build folder (the real one is exercised in the browser
// test): cache headers, the SPA fallback, and attempts to read files outside the folder.

describe("dashboardRoute", () => {
  let root: string;
  let dir: string;
  const INDEX = '<!doctype html><script type="module" src="/ui/assets/index-abc123.js"></script>';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "dashboard-route-"));
    dir = join(root, "dist");
    await mkdir(join(dir, "assets"), { recursive: true });
    await writeFile(join(dir, "index.html"), INDEX);
    await writeFile(join(dir, "assets", "index-abc123.js"), "console.log(1)");
    await writeFile(join(dir, "assets", "index-abc123.css"), "body{}");
    // Files a traversal would aim for: next to dist, and a dotfile inside assets.
    await writeFile(join(root, "secret.js"), "SECRET");
    await writeFile(join(dir, "assets", ".env.js"), "SECRET");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const get = (path: string, assetsDir = dir) => dashboardRoute({ assetsDir }).request(path);

  it("serves hashed assets with a year's immutable cache and their content type", async () => {
    const js = await get("/ui/assets/index-abc123.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toBe("console.log(1)");
    expect((await get("/ui/assets/index-abc123.css")).headers.get("content-type")).toMatch(
      /^text\/css/,
    );
  });

  it("answers index.html with no-cache and a strict CSP for /ui and every client route", async () => {
    for (const path of ["/ui", "/ui/", "/ui/keys", "/ui/logs/some-request", "/ui/usage?x=1"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(await res.text()).toBe(INDEX);
    }
  });

  it("never serves a file outside dist/assets, however the path is spelled", async () => {
    const attempts = [
      "/ui/assets/../../secret.js",
      "/ui/assets/..%2f..%2fsecret.js",
      "/ui/assets/%2e%2e%2f%2e%2e%2fsecret.js",
      "/ui/assets/..%5c..%5csecret.js",
      "/ui/assets/sub/../../../secret.js",
      "/ui/assets/.env.js",
      "/ui/assets/%00index-abc123.js",
      "/ui/assets/index-abc123.js%00.png",
      "/ui/assets/missing-file.js",
      "/ui/assets/index.html",
    ];
    for (const path of attempts) {
      const res = await get(path);
      const body = await res.text();
      expect(body, path).not.toContain("SECRET");
      // Either a plain 404, or (a path the URL parser normalised out of /ui/assets) the SPA page.
      expect([404, 200], path).toContain(res.status);
      if (res.status === 200) expect(body, path).toBe(INDEX);
    }
    expect((await get("/ui/assets/missing-file.js")).status).toBe(404);
  });

  it("says how to build the dashboard when it has not been built, instead of failing", async () => {
    const res = await get("/ui/keys", join(root, "no-such-dist"));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("pnpm --filter @org/dashboard build");
    expect((await get("/ui/assets/index-abc123.js", join(root, "no-such-dist"))).status).toBe(404);
  });
});
