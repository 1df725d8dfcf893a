import { createMemoryKeyInvalidationBus, hashKey, type AuthIdentity } from "@org/budgets";
import { createManagement } from "@org/management";
import { createDb, type Database } from "@org/db";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayEnv } from "../gateway-env.ts";
import { errorResponse } from "../http/error-response.ts";
import { managementRoutes } from "./management-routes.ts";

let database: Database;
let app: Hono<GatewayEnv>;
let modelChanges = 0;
const master: AuthIdentity = { kind: "master", keyHash: hashKey("sk-master") };

beforeAll(async () => {
  database = await createDb({});
  await database.migrate();
  const management = createManagement({
    db: database.db,
    bus: createMemoryKeyInvalidationBus(),
    saltKey: "salt-for-tests-0123",
  });
  app = new Hono<GatewayEnv>();
  app.onError((error) => errorResponse(error));
  // Stands in for the auth middleware: the identity header picks master or a plain user.
  app.use(
    createMiddleware<GatewayEnv>(async (c, next) => {
      const who = c.req.header("x-test-user");
      const identity = who
        ? ({
            kind: "virtual_key",
            keyHash: hashKey(`sk-${who}`),
            userId: who,
            userRole: "internal_user",
            organizationId: null,
          } as unknown)
        : master;
      c.set("identity", identity as GatewayEnv["Variables"]["identity"]);
      await next();
    }),
  );
  app.route("/", managementRoutes({ management, onModelsChanged: () => void modelChanges++ }));
}, 60_000);
afterAll(async () => {
  await database?.close();
});

const post = (path: string, body?: unknown, user?: string) =>
  app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(user ? { "x-test-user": user } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("managementRoutes", () => {
  it("serves LiteLLM's key lifecycle over HTTP", async () => {
    const team = await (
      await post("/team/new", { team_alias: "search", models: ["gpt-4o"] })
    ).json();
    expect(team).toMatchObject({ team_alias: "search", models: ["gpt-4o"] });

    const generated = await post("/key/generate", { team_id: team.team_id, max_budget: 5 });
    expect(generated.status).toBe(200);
    const key = (await generated.json()) as { key: string; token_id: string; key_name: string };
    expect(key.key).toMatch(/^sk-/);
    expect(key.key_name).toBe(`sk-...${key.key.slice(-4)}`);

    const info = await (await app.request(`/key/info?key=${key.token_id}`)).json();
    expect(info).toMatchObject({
      key: key.token_id,
      info: { team_id: team.team_id, max_budget: 5 },
    });

    const regenerated = await (await post(`/key/${key.token_id}/regenerate`, {})).json();
    expect(regenerated.key).not.toBe(key.key);

    const deleted = await (await post("/key/delete", { keys: [regenerated.key] })).json();
    expect(deleted).toEqual({ deleted_keys: [regenerated.key] });
  });

  it("accepts an empty body where LiteLLM does", async () => {
    const res = await post("/key/generate");
    expect(res.status).toBe(200);
  });

  it("answers bad input and forbidden calls in OpenAI's error envelope", async () => {
    const bad = await post("/key/generate", { max_budget: "lots" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { type: "invalid_request_error", message: expect.stringContaining("max_budget") },
    });
    const forbidden = await post("/team/new", { team_alias: "x" }, "mallory");
    expect(forbidden.status).toBe(403);
    const notJson = await app.request("/key/generate", { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("tells the router when stored models change", async () => {
    const res = await post("/model/new", {
      model_name: "m",
      litellm_params: { model: "openai/m", api_key: "secret-1" },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).not.toContain("secret-1");
    expect(modelChanges).toBe(1);
  });

  it("serves the spend report", async () => {
    const res = await app.request(
      "/global/spend/report?start_date=2025-01-01&end_date=2025-01-31&group_by=team",
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });
});
