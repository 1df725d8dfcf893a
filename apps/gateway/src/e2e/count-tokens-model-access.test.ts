import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// /v1/messages/count_tokens names a model like /v1/messages does, and LiteLLM checks a key's
// access to the model of every request body at auth. Counted locally, it still told a key
// allowed only "cheap" whether "dear" existed and which tokenizer (provider) serves it, and it
// read a key's alias as an unknown model where /v1/messages calls its target.
describe("count_tokens: the key's model access and aliases", () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      config: {
        model_list: [
          { model_name: "cheap", litellm_params: { model: "openai/gpt-4o-mini" } },
          { model_name: "dear", litellm_params: { model: "anthropic/claude-sonnet-4-5" } },
        ],
        router_settings: { model_group_alias: { "dear-alias": "dear" } },
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const keyWith = async (body: Record<string, unknown>) =>
    (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", body)).key;
  const client = (key: string) =>
    new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
  const count = (key: string, model: string) =>
    client(key).messages.countTokens({ model, messages: [{ role: "user", content: "hello" }] });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it("a model the key may not use is refused with 401 in Anthropic's envelope, as on /v1/messages", async () => {
    const key = await keyWith({ models: ["cheap"] });
    expect((await count(key, "cheap")).input_tokens).toBeGreaterThan(0);
    for (const model of ["dear", "dear-alias"]) {
      const refused = await refusal(count(key, model));
      expect(refused, model).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((refused as Error).message).toContain("key not allowed to access model");
      const onMessages = await refusal(
        client(key).messages.create({
          model,
          max_tokens: 5,
          messages: [{ role: "user", content: "hello" }],
        }),
      );
      expect(onMessages, model).toBeInstanceOf(Anthropic.AuthenticationError);
    }
  });

  it("a team's model list holds there too", async () => {
    await manage(gateway, gateway.masterKey, "/team/new", {
      team_id: "ct-team",
      models: ["cheap"],
    });
    const key = await keyWith({ team_id: "ct-team" });
    const refused = await refusal(count(key, "dear"));
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((refused as Error).message).toContain("Team not allowed to access model");
  });

  it("a key allowed the alias's target counts under the config's alias, as it may call it", async () => {
    const key = await keyWith({ models: ["dear"] });
    expect((await count(key, "dear-alias")).input_tokens).toBeGreaterThan(0);
  });

  it("the key's own alias counts its target's tokens, and is no access in itself", async () => {
    const master = await count(gateway.masterKey, "dear");
    const aliased = await keyWith({ models: ["dear"], aliases: { mine: "dear" } });
    expect(await count(aliased, "mine")).toEqual(master);
    const outside = await keyWith({ models: ["cheap", "mine"], aliases: { mine: "dear" } });
    expect(await refusal(count(outside, "mine"))).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});
