import OpenAI from "openai";
import { createCredentialCipher } from "@org/management";
import { proxyModels } from "@org/db";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfigFromObject } from "../config/index.ts";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A model name goes back to the client in response headers (x-litellm-model-group). A name with
// CR/LF or characters beyond Latin-1 made every call to that model a plain-text "500 OK" (Node
// refuses the header) after the upstream had answered and been paid. Such names are refused
// where they enter (/model/new, /model/update, the config), and a name that is already stored
// (an older version accepted it) is percent-encoded in the header instead of failing the call.

const SALT = "salt-for-model-name-tests";
const BAD_NAMES = [
  ["CR/LF", "evil\r\nx-injected: 1"],
  ["a lone LF", "line\nbreak"],
  ["NUL", "nul\u0000name"],
  ["a tab", "tab\tname"],
  ["CJK characters", "模型"],
  ["an emoji", "model-😀"],
  ["DEL", "del\u007fname"],
] as const;

describe("model names that cannot be sent in a header", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  const post = (path: string, body: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const modelNames = async () =>
    (
      await manage<{ data: Array<{ model_name: string }> }>(
        gateway,
        gateway.masterKey,
        "/model/info",
      )
    ).data.map((d) => d.model_name);

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream-names" });
    gateway = await startTestGateway({ env: { LITELLM_SALT_KEY: SALT } });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it.each(BAD_NAMES)("/model/new refuses a name with %s", async (_what, name) => {
    const res = await post("/model/new", {
      model_name: name,
      litellm_params: { model: "openai/gpt-4o-mini", api_base: `${upstream.url}/v1` },
    });
    const body = (await res.json()) as { error: { param: string; message: string; type: string } };
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error).toMatchObject({ param: "model_name", type: "invalid_request_error" });
    expect(body.error.message).toMatch(/model_name: .*header/);
    expect(await modelNames()).not.toContain(name);
  });

  it.each(BAD_NAMES)("/model/update refuses a name with %s", async (_what, name) => {
    const created = await manage<{ model_info: { id: string } }>(
      gateway,
      gateway.masterKey,
      "/model/new",
      {
        model_name: `fine-${_what}`,
        litellm_params: { model: "openai/gpt-4o-mini", api_base: `${upstream.url}/v1` },
      },
    );
    const res = await post("/model/update", { model_id: created.model_info.id, model_name: name });
    expect(res.status, await res.clone().text()).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe("model_name");
    expect(await modelNames()).toContain(`fine-${_what}`);
  });

  it.each(BAD_NAMES)(
    "the config loader refuses a name with %s, naming the entry",
    (_what, name) => {
      const load = () =>
        loadConfigFromObject(
          {
            model_list: [
              { model_name: "ok", litellm_params: { model: "openai/gpt-4o" } },
              { model_name: name, litellm_params: { model: "openai/gpt-4o" } },
            ],
          },
          { env: {} },
        );
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/model_list\[1\]\.model_name: .*header/);
    },
  );

  it("Latin-1 names are accepted and answered, the header percent-encoded", async () => {
    await manage(gateway, gateway.masterKey, "/model/new", {
      model_name: "café-modèle",
      litellm_params: {
        model: "openai/gpt-4o-mini",
        api_key: "sk-upstream-names",
        api_base: `${upstream.url}/v1`,
      },
    });
    const client = new OpenAI({
      baseURL: gateway.baseURL,
      apiKey: gateway.masterKey,
      maxRetries: 0,
    });
    const { data, response } = await client.chat.completions
      .create({ model: "café-modèle", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(response.headers.get("x-litellm-model-group")).toBe("caf%C3%A9-mod%C3%A8le");
  });

  it("a bad name already in the database (stored by an older version) still gets an answer", async () => {
    // Written straight to the table, as an older version's /model/new did.
    const legacy = "legacy\r\nx-evil: 1 模型";
    await gateway.gateway.db.db.insert(proxyModels).values({
      modelName: legacy,
      litellmParamsEncrypted: createCredentialCipher(SALT).encrypt(
        JSON.stringify({
          model: "openai/gpt-4o-mini",
          api_key: "sk-upstream-names",
          api_base: `${upstream.url}/v1`,
        }),
      ),
    });
    // Any model change reloads the router's model list from the database.
    await manage(gateway, gateway.masterKey, "/model/new", {
      model_name: "reload-trigger",
      litellm_params: { model: "openai/gpt-4o-mini", api_base: `${upstream.url}/v1` },
    });
    const res = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: legacy, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ object: "chat.completion" });
    expect(res.headers.get("x-litellm-model-group")).toBe(
      "legacy%0D%0Ax-evil: 1 %E6%A8%A1%E5%9E%8B",
    );
    expect(res.headers.get("x-evil")).toBeNull();
  });
});
