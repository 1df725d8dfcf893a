import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// GET /model/info, /v1/model/info and /v1/models over HTTP: config models and models added with
// /model/new, in LiteLLM's shape, never with a credential, and for a virtual key only the
// models it may call.

const CONFIG_SECRET = "sk-config-upstream-secret-0123";
const DB_SECRET = "sk-db-upstream-secret-4567";

interface ModelInfoEntry {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown> & { id: string; db_model: boolean };
}

describe("model info and model lists", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  const call = (key: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async (res: Response) => {
    const text = await res.text();
    expect(res.status, text).toBe(200);
    // Nothing the gateway holds as a credential ever appears in these answers.
    expect(text).not.toContain(CONFIG_SECRET);
    expect(text).not.toContain(DB_SECRET);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const admin = async (path: string, body?: unknown) =>
    json(await call(gateway.masterKey, path, body));
  const modelInfo = async (key: string, path = "/model/info") =>
    ((await json(await call(key, path))).data as ModelInfoEntry[]).sort((a, b) =>
      a.model_name.localeCompare(b.model_name),
    );
  const modelIds = async (key: string) => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    return ids.sort();
  };
  const keyFor = async (body: object) => (await admin("/key/generate", body)).key as string;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: CONFIG_SECRET });
    const deployment = (name: string) => ({
      model_name: name,
      litellm_params: {
        model: `openai/${name}`,
        api_key: CONFIG_SECRET,
        api_base: `${upstream.url}/v1`,
        max_tokens: 256,
      },
      model_info: { access_groups: ["beta"] },
    });
    gateway = await startTestGateway({
      config: {
        model_list: [deployment("gpt-4o"), deployment("claude-sonnet"), deployment("gemini-pro")],
      },
      env: { LITELLM_SALT_KEY: "salt-for-model-info-tests" },
    });
    await admin("/model/new", {
      model_name: "db-model",
      litellm_params: {
        model: "openai/gpt-4o-mini",
        api_key: DB_SECRET,
        api_base: `${upstream.url}/v1`,
      },
      model_info: { description: "added at runtime" },
    });
    await admin("/team/new", { team_id: "claude-team", models: ["claude-sonnet"] });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("the master key sees every deployment, config and database, without credentials", async () => {
    const data = await modelInfo(gateway.masterKey);
    expect(data.map((d) => d.model_name)).toEqual([
      "claude-sonnet",
      "db-model",
      "gemini-pro",
      "gpt-4o",
    ]);
    const gpt = data.find((d) => d.model_name === "gpt-4o")!;
    expect(gpt.litellm_params).toMatchObject({
      model: "openai/gpt-4o",
      api_base: `${upstream.url}/v1`,
      max_tokens: 256,
    });
    expect(gpt.litellm_params).not.toHaveProperty("api_key");
    expect(gpt.model_info).toMatchObject({
      id: expect.any(String),
      db_model: false,
      access_groups: ["beta"],
      litellm_provider: "openai",
    });
    const stored = data.find((d) => d.model_name === "db-model")!;
    expect(stored.litellm_params).toEqual({
      model: "openai/gpt-4o-mini",
      api_base: `${upstream.url}/v1`,
    });
    expect(stored.model_info).toMatchObject({ db_model: true, description: "added at runtime" });

    // /v1/model/info is the same answer; litellm_model_id picks one deployment.
    expect(await modelInfo(gateway.masterKey, "/v1/model/info")).toEqual(data);
    const one = await modelInfo(
      gateway.masterKey,
      `/model/info?litellm_model_id=${encodeURIComponent(stored.model_info.id)}`,
    );
    expect(one.map((d) => d.model_name)).toEqual(["db-model"]);
    expect(await modelIds(gateway.masterKey)).toEqual([
      "claude-sonnet",
      "db-model",
      "gemini-pro",
      "gpt-4o",
    ]);
  });

  it("a key with a model list sees only those models, in both lists", async () => {
    const key = await keyFor({ models: ["gpt-4o", "db-model"] });
    expect((await modelInfo(key)).map((d) => d.model_name)).toEqual(["db-model", "gpt-4o"]);
    expect((await modelInfo(key, "/v1/model/info")).map((d) => d.model_name)).toEqual([
      "db-model",
      "gpt-4o",
    ]);
    expect(await modelIds(key)).toEqual(["db-model", "gpt-4o"]);
  });

  it("a team key sees what its team allows; a key without limits sees everything", async () => {
    const teamKey = await keyFor({ team_id: "claude-team" });
    expect(await modelIds(teamKey)).toEqual(["claude-sonnet"]);
    expect((await modelInfo(teamKey)).map((d) => d.model_name)).toEqual(["claude-sonnet"]);

    const open = await keyFor({});
    expect(await modelIds(open)).toEqual(["claude-sonnet", "db-model", "gemini-pro", "gpt-4o"]);
  });

  it("a model deleted with /model/delete leaves both lists", async () => {
    const stored = (await modelInfo(gateway.masterKey)).find((d) => d.model_name === "db-model")!;
    await admin("/model/delete", { id: stored.model_info.id });
    expect((await modelInfo(gateway.masterKey)).map((d) => d.model_name)).not.toContain("db-model");
    expect(await modelIds(gateway.masterKey)).not.toContain("db-model");
  });
});
