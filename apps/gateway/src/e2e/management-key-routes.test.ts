import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// A key's `allowed_routes` and `general_settings.enforce_user_param`, over HTTP with the
// official SDKs: a refused request gets its error before any upstream call.

const messages = [{ role: "user" as const, content: "hi" }];

function modelList(upstream: FakeServer) {
  return [
    {
      model_name: "gpt-4o",
      litellm_params: { model: "openai/gpt-4o", api_key: "sk-up", api_base: `${upstream.url}/v1` },
    },
    {
      model_name: "embed",
      litellm_params: {
        model: "openai/text-embedding-3-small",
        api_key: "sk-up",
        api_base: `${upstream.url}/v1`,
      },
    },
  ];
}

describe("allowed_routes on a key", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  const admin = (path: string, body: unknown) => manage(gateway, gateway.masterKey, path, body);
  const keyWith = async (allowed_routes: string[] | undefined, extra: object = {}) =>
    (await admin("/key/generate", { ...(allowed_routes ? { allowed_routes } : {}), ...extra }))
      .key as string;
  const get = (key: string, path: string) =>
    fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  /** The SDK error of a refused call, after checking nothing went upstream. */
  const refused = async (call: () => Promise<unknown>) => {
    const before = upstream.callCount();
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(upstream.callCount()).toBe(before);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    return error as InstanceType<typeof OpenAI.PermissionDeniedError>;
  };

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-up" });
    gateway = await startTestGateway({ config: { model_list: modelList(upstream) } });
    await admin("/user/new", { user_id: "route-user", auto_create_key: false });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("a key limited to /v1/chat/completions chats, and gets LiteLLM's 403 anywhere else", async () => {
    const key = await keyWith(["/v1/chat/completions"], { user_id: "route-user" });
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    const ok = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(ok.choices[0]?.message.content).toBe("echo: hi");

    const models = await refused(() => client.models.list());
    expect(models.message).toContain(
      "Virtual key is not allowed to call this route. Only allowed to call routes: ['/v1/chat/completions']. Tried to call route: /v1/models",
    );
    expect(models.type).toBe("permission_error");
    await refused(() => client.embeddings.create({ model: "embed", input: "x" }));
    await refused(() => client.responses.create({ model: "gpt-4o", input: "x" }));
    await refused(() => client.completions.create({ model: "gpt-4o", prompt: "x" }));
    // The un-prefixed path is another route.
    const bare = new OpenAI({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
    await refused(() => bare.chat.completions.create({ model: "gpt-4o", messages }));

    // Management routes too, even the ones the key's own user may call.
    const info = await get(key, `/key/info?key=${key}`);
    expect(info.status).toBe(403);
    const body = (await info.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("permission_error");
    expect(body.error.message).toContain("Tried to call route: /key/info");
  });

  it("route groups: llm_api_routes, info_routes, management_routes", async () => {
    const llm = await keyWith(["llm_api_routes"]);
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: llm, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: "gpt-4o", messages }),
    ).resolves.toBeTruthy();
    await expect(client.embeddings.create({ model: "embed", input: "x" })).resolves.toBeTruthy();
    await expect(client.models.list()).resolves.toBeTruthy();
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: llm, maxRetries: 0 });
    await expect(
      anthropic.messages.create({ model: "gpt-4o", max_tokens: 10, messages }),
    ).resolves.toBeTruthy();
    expect((await get(llm, "/v1/model/info")).status).toBe(200);
    expect((await get(llm, `/key/info?key=${llm}`)).status).toBe(403);

    const info = await keyWith(["info_routes"], { user_id: "route-user" });
    expect((await get(info, `/key/info?key=${info}`)).status).toBe(200);
    expect((await get(info, "/v1/models")).status).toBe(200);
    const infoClient = new OpenAI({ baseURL: gateway.baseURL, apiKey: info, maxRetries: 0 });
    await refused(() => infoClient.chat.completions.create({ model: "gpt-4o", messages }));

    const management = await keyWith(["management_routes"], { user_id: "route-user" });
    const made = await fetch(`${gateway.url}/key/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${management}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(made.status).toBe(200);
    const managementClient = new OpenAI({
      baseURL: gateway.baseURL,
      apiKey: management,
      maxRetries: 0,
    });
    await refused(() => managementClient.chat.completions.create({ model: "gpt-4o", messages }));
  });

  it("allowed_routes never widens a role: an internal user's key naming admin routes is still refused them", async () => {
    const key = await keyWith(["management_routes", "global_spend_tracking_routes"], {
      user_id: "route-user",
    });
    for (const [method, path] of [
      ["POST", "/team/new"],
      ["POST", "/user/new"],
      ["GET", "/global/spend/report?start_date=2024-01-01&end_date=2030-01-01"],
    ] as const) {
      const res = await fetch(`${gateway.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify({ user_id: "x" }) } : {}),
      });
      expect(res.status, path).toBe(403);
    }
  });

  it("prefixes and wildcards", async () => {
    const wildcard = await keyWith(["/v1/*"]);
    expect((await get(wildcard, "/v1/models")).status).toBe(200);
    expect((await get(wildcard, "/models")).status).toBe(403);
    const prefix = await keyWith(["/v1/chat"]);
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: prefix, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: "gpt-4o", messages }),
    ).resolves.toBeTruthy();
    expect((await get(prefix, "/v1/chatty")).status).toBe(403);
  });

  it("/key/update sets and clears allowed_routes, effective on the next request", async () => {
    const key = await keyWith(undefined);
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    await expect(client.models.list()).resolves.toBeTruthy();
    const updated = await admin("/key/update", { key, allowed_routes: ["/v1/chat/completions"] });
    expect(updated.allowed_routes).toEqual(["/v1/chat/completions"]);
    await refused(() => client.models.list());
    await admin("/key/update", { key, allowed_routes: [] });
    await expect(client.models.list()).resolves.toBeTruthy();
  });
});

describe("general_settings.enforce_user_param", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let client: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-up" });
    gateway = await startTestGateway({
      config: { model_list: modelList(upstream), general_settings: { enforce_user_param: true } },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: gateway.masterKey, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("is a supported setting: startup warns about nothing", () => {
    expect(gateway.warnings.join("\n")).not.toContain("enforce_user_param");
  });

  const withoutUser: [string, () => Promise<unknown>][] = [
    ["chat", () => client.chat.completions.create({ model: "gpt-4o", messages })],
    [
      "streamed chat",
      () => client.chat.completions.create({ model: "gpt-4o", messages, stream: true }),
    ],
    ["empty user", () => client.chat.completions.create({ model: "gpt-4o", messages, user: "" })],
    ["completions", () => client.completions.create({ model: "gpt-4o", prompt: "x" })],
    ["responses", () => client.responses.create({ model: "gpt-4o", input: "x" })],
    ["embeddings", () => client.embeddings.create({ model: "embed", input: "x" })],
  ];

  it.each(withoutUser)("%s without `user`: 400 naming user, no upstream call", async (_, call) => {
    const before = upstream.callCount();
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.param).toBe("user");
    expect(bad.message).toContain("'user' param not passed in. 'enforce_user_param'=True");
    expect(upstream.callCount()).toBe(before);
  });

  it("requests that name their user are served", async () => {
    const user = "end-user-1";
    await expect(
      client.chat.completions.create({ model: "gpt-4o", messages, user }),
    ).resolves.toBeTruthy();
    await expect(
      client.completions.create({ model: "gpt-4o", prompt: "x", user }),
    ).resolves.toBeTruthy();
    await expect(
      client.responses.create({ model: "gpt-4o", input: "x", user }),
    ).resolves.toBeTruthy();
    await expect(
      client.embeddings.create({ model: "embed", input: "x", user }),
    ).resolves.toBeTruthy();
  });

  it("/v1/messages reads metadata.user_id, and refuses in Anthropic's envelope without it", async () => {
    const before = upstream.callCount();
    const error = await anthropic.messages
      .create({ model: "gpt-4o", max_tokens: 10, messages })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((error as Error).message)).toContain("'user' param not passed in");
    expect(upstream.callCount()).toBe(before);
    await expect(
      anthropic.messages.create({
        model: "gpt-4o",
        max_tokens: 10,
        messages,
        metadata: { user_id: "end-user-1" },
      }),
    ).resolves.toBeTruthy();
  });
});
