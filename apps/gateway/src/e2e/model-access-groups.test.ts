import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// LiteLLM's model access groups: deployments tagged with `model_info.access_groups`, and a key
// whose `models` names the group may call every model in it, and sees only those in /v1/models.

describe("model access groups over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const deployment = (name: string, groups?: string[]) => ({
      model_name: name,
      litellm_params: { model: `openai/${name}`, api_key: "sk-up", api_base: `${upstream.url}/v1` },
      ...(groups ? { model_info: { access_groups: groups } } : {}),
    });
    gateway = await startTestGateway({
      config: {
        model_list: [
          deployment("gpt-4o", ["beta-models"]),
          deployment("gpt-4o-mini", ["beta-models", "cheap"]),
          deployment("o3"),
        ],
      },
      // Models added at runtime are stored with their credentials encrypted under the salt key.
      env: { LITELLM_SALT_KEY: "test-salt-key-for-access-groups" },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const keyFor = async (models: string[]) =>
    (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", { models })).key;
  const ask = (key: string, model: string) =>
    new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 }).chat.completions.create({
      model,
      messages: [{ role: "user", content: "hi" }],
    });

  it("a key listing a group calls every model in it and nothing else", async () => {
    const key = await keyFor(["beta-models"]);
    await expect(ask(key, "gpt-4o")).resolves.toBeDefined();
    await expect(ask(key, "gpt-4o-mini")).resolves.toBeDefined();
    const calls = upstream.callCount();
    const refused = await ask(key, "o3").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as Error).message).toContain("o3");
    expect(upstream.callCount()).toBe(calls);
  });

  it("/v1/models lists the group's models for that key", async () => {
    const key = await keyFor(["cheap"]);
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["gpt-4o-mini"]);
  });

  it("groups follow models added at runtime", async () => {
    const res = await fetch(`${gateway.url}/model/new`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model_name: "runtime-model",
        litellm_params: {
          model: "openai/runtime-model",
          api_key: "sk-up",
          api_base: `${upstream.url}/v1`,
        },
        model_info: { access_groups: ["cheap"] },
      }),
    });
    expect(res.status, await res.text()).toBe(200);
    const key = await keyFor(["cheap"]);
    await expect(ask(key, "runtime-model")).resolves.toBeDefined();
  });
});
