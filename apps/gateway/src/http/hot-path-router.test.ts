import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { HotPathRouter } from "./hot-path-router.ts";

describe("HotPathRouter", () => {
  const table = () => {
    const router = new HotPathRouter<string>(
      ["POST /v1/chat/completions", "POST /key/:key/regenerate"],
      new TrieRouter(),
    );
    router.add("ALL", "*", "every-request middleware");
    router.add("POST", "/v1/chat/completions", "chat");
    router.add("POST", "/key/generate", "generate");
    router.add("POST", "/key/:key/regenerate", "regenerate");
    return router;
  };
  const handlers = (result: ReturnType<HotPathRouter<string>["match"]>) =>
    result[0].map(([handler]) => handler);

  it("answers a named static path from its first match, with the same handlers", () => {
    const router = table();
    const first = router.match("POST", "/v1/chat/completions");
    expect(handlers(first)).toEqual(["every-request middleware", "chat"]);
    expect(router.match("POST", "/v1/chat/completions")).toBe(first);
  });

  it("matches every other path afresh: not named, another method, or with parameters", () => {
    const router = table();
    expect(router.match("POST", "/key/generate")).not.toBe(router.match("POST", "/key/generate"));
    expect(handlers(router.match("GET", "/v1/chat/completions"))).toEqual([
      "every-request middleware",
    ]);
    // Named, but its match carries a parameter: each request gets its own.
    const a = router.match("POST", "/key/sk-a/regenerate");
    const b = router.match("POST", "/key/sk-b/regenerate");
    expect(a[0][1]).toEqual(["regenerate", { key: "sk-a" }]);
    expect(b[0][1]).toEqual(["regenerate", { key: "sk-b" }]);
  });

  it("forgets what it kept when a route is added", () => {
    const router = table();
    const before = router.match("POST", "/v1/chat/completions");
    router.add("POST", "/v1/*", "late middleware");
    const after = router.match("POST", "/v1/chat/completions");
    expect(after).not.toBe(before);
    expect(handlers(after)).toContain("late middleware");
  });

  it("serves a Hono app whose table RegExpRouter cannot take, params and route paths intact", async () => {
    const app = new Hono({ router: new HotPathRouter(["POST /v1/chat/completions"]) });
    app.use(async (c, next) => {
      await next();
      c.header("x-route", c.req.routePath);
    });
    app.post("/v1/chat/completions", (c) => c.text("chat"));
    app.post("/key/generate", (c) => c.text("generate"));
    app.post("/key/:key/regenerate", (c) => c.text(`regenerate ${c.req.param("key")}`));
    for (let i = 0; i < 3; i++) {
      const chat = await app.request("/v1/chat/completions", { method: "POST" });
      expect(await chat.text()).toBe("chat");
      expect(chat.headers.get("x-route")).toBe("/v1/chat/completions");
    }
    const regenerate = await app.request("/key/sk-1/regenerate", { method: "POST" });
    expect(await regenerate.text()).toBe("regenerate sk-1");
    expect(regenerate.headers.get("x-route")).toBe("/key/:key/regenerate");
    expect((await app.request("/nowhere", { method: "POST" })).status).toBe(404);
  });
});
