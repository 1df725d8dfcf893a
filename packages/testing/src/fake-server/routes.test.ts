import { afterEach, describe, expect, it } from "vitest";
import { rawRequest } from "../http-client/raw-request.ts";
import { json } from "./json.ts";
import { routes } from "./routes.ts";
import { startFakeServer, type FakeServer } from "./start-fake-server.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

describe("routes", () => {
  it("matches method and exact pathname, ignoring the query", async () => {
    fake = await startFakeServer(
      routes({
        "POST /v1/messages": json({ route: "messages" }),
        "GET /v1/models/*": (req) => json({ model: req.pathname }),
      }),
    );
    const post = await rawRequest(`${fake.url}/v1/messages?beta=true`, {
      method: "POST",
      body: {},
    });
    expect(JSON.parse(post.text())).toEqual({ route: "messages" });
    const get = await rawRequest(`${fake.url}/v1/models/claude`);
    expect(JSON.parse(get.text())).toEqual({ model: "/v1/models/claude" });
  });

  it("falls back to 404, or to the given fallback", async () => {
    fake = await startFakeServer(routes({ "POST /a": json({}) }));
    expect((await rawRequest(`${fake.url}/a`)).status).toBe(404);
    fake.setDefault(routes({}, json({ fallback: true }, { status: 418 })));
    expect((await rawRequest(`${fake.url}/a`)).status).toBe(418);
  });
});
