import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// /v1/models and /model/info list only the models a virtual key may call. A key allowed only
// "cheap" still learned which other names exist: a configured one ("dear") was a 401, any other
// name a 400 "Invalid model name", on every model route. LiteLLM checks the key's models at auth,
// before routing, so both are the same 401 there; a name the key may call (or any, for a key
// without a model list, or the master key) is still the 400 that names the unknown model.
describe("a restricted key cannot tell configured models from unknown names", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const deployment = (name: string) => ({
      model_name: name,
      litellm_params: { model: `openai/${name}`, api_key: "sk-up", api_base: `${upstream.url}/v1` },
    });
    gateway = await startTestGateway({
      config: { model_list: [deployment("cheap"), deployment("dear"), deployment("emb")] },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const keyWith = async (body: Record<string, unknown>) =>
    (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", body)).key;
  const messages = [{ role: "user", content: "hi" }];
  const routes: [string, (model: string) => Record<string, unknown>][] = [
    ["/v1/chat/completions", (model) => ({ model, messages })],
    ["/v1/responses", (model) => ({ model, input: "hi" })],
    ["/v1/completions", (model) => ({ model, prompt: "hi" })],
    ["/v1/messages", (model) => ({ model, max_tokens: 5, messages })],
    ["/v1/messages/count_tokens", (model) => ({ model, messages })],
    ["/v1/embeddings", (model) => ({ model, input: "hi" })],
  ];
  const statusOf = async (key: string, path: string, body: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const azure = (key: string, model: string) =>
    // The Azure SDK names the deployment in the path and in the body.
    statusOf(key, `/openai/deployments/${model}/chat/completions`, { model, messages });

  it("a configured model outside the key's list and an unknown name are both 401", async () => {
    const key = await keyWith({ models: ["cheap"] });
    for (const [path, body] of routes) {
      expect(await statusOf(key, path, body("dear")), `${path} dear`).toBe(401);
      expect(await statusOf(key, path, body("no-such-model")), `${path} unknown`).toBe(401);
    }
    expect(await azure(key, "dear")).toBe(401);
    expect(await azure(key, "no-such-model")).toBe(401);
    expect(upstream.callCount()).toBe(0);
  });

  it("a team's list hides them alike", async () => {
    await manage(gateway, gateway.masterKey, "/team/new", {
      team_id: "hide-team",
      models: ["cheap"],
    });
    const key = await keyWith({ team_id: "hide-team" });
    for (const [path, body] of routes) {
      expect(await statusOf(key, path, body("dear")), `${path} dear`).toBe(401);
      expect(await statusOf(key, path, body("no-such-model")), `${path} unknown`).toBe(401);
    }
  });

  it("a name the key may call that nothing serves is still the 400 naming it", async () => {
    const listed = await keyWith({ models: ["cheap", "retired"] });
    const unrestricted = await keyWith({});
    for (const [path, body] of routes) {
      for (const key of [listed, unrestricted, gateway.masterKey]) {
        expect(await statusOf(key, path, body("retired")), path).toBe(400);
      }
    }
  });
});
