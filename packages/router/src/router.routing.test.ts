import { InvalidRequestError, UpstreamError } from "@org/core";
import { describe, expect, it } from "vitest";
import { chatRequest, entry, manualClock } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";
import { NoDeploymentsAvailableError } from "./errors/no-deployments-error.ts";
import { UnknownModelError } from "./errors/unknown-model-error.ts";

describe("Router: routing", () => {
  it("answers from a deployment of the group and says which", async () => {
    const { router, fake } = testRouter({
      modelList: [
        entry(
          "gpt-4o",
          "openai/gpt-a",
          { api_key: "sk-secret-1", api_base: "https://user:pw@api.example/v1?key=1" },
          { id: "dep-a" },
        ),
      ],
      script: { "gpt-a": [{ ok: "hi" }] },
    });
    const result = await router.chatCompletion(chatRequest("gpt-4o"), {
      callId: "call-1",
      metadata: { team: "t1" },
    });
    expect(result.kind).toBe("response");
    expect(result.deployment).toEqual({
      id: "dep-a",
      modelGroup: "gpt-4o",
      model: "openai/gpt-a",
      provider: "openai",
      apiBase: "https://api.example/v1",
    });
    expect(result.headers).toEqual({
      "x-litellm-model-id": "dep-a",
      "x-litellm-model-group": "gpt-4o",
      "x-litellm-model-api-base": "https://api.example/v1",
      "x-litellm-attempted-retries": "0",
      "x-litellm-attempted-fallbacks": "0",
      // Finished (not a stream): how long it took; no cost header, the deployment has no price.
      "x-litellm-response-duration-ms": expect.stringMatching(/^\d+$/),
    });
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ deploymentId: "dep-a", outcome: "success" });
    expect(result.context).toMatchObject({
      callId: "call-1",
      requestedModel: "gpt-4o",
      modelGroup: "gpt-4o",
      metadata: { team: "t1" },
    });
    expect(result.context.timings.end).toBeGreaterThanOrEqual(result.context.timings.start);
    expect(fake.calls[0]?.request.model).toBe("gpt-4o");
  });

  it("refuses an unknown model with LiteLLM's 400, param model, nothing secret", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("gpt-4o", "openai/gpt-a", { api_key: "sk-secret-1" })],
    });
    const error = await router.chatCompletion(chatRequest("nope")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownModelError);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, param: "model", code: "model_not_found" });
    expect((error as Error).message).toContain("model=nope");
    expect((error as Error).message).not.toContain("sk-");
    expect(fake.calls).toHaveLength(0);
  });

  it("routes aliases and wildcard routes", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("gpt-4o", "openai/gpt-a"), entry("openai/*", "openai/*"), entry("*", "*")],
      settings: { model_group_alias: { "my-alias": "gpt-4o" } },
      script: { "gpt-a": [{ ok: "a" }], "gpt-4.1-mini": [{ ok: "w" }], "claude-x": [{ ok: "c" }] },
    });
    expect((await router.chatCompletion(chatRequest("my-alias"))).deployment.modelGroup).toBe(
      "gpt-4o",
    );
    const wild = await router.chatCompletion(chatRequest("openai/gpt-4.1-mini"));
    expect(wild.deployment).toMatchObject({
      modelGroup: "openai/gpt-4.1-mini",
      model: "openai/gpt-4.1-mini",
    });
    const passthrough = await router.chatCompletion(chatRequest("anthropic/claude-x"));
    expect(passthrough.deployment).toMatchObject({
      provider: "anthropic",
      model: "anthropic/claude-x",
    });
    expect(fake.calls.map((c) => c.model)).toEqual(["gpt-a", "gpt-4.1-mini", "claude-x"]);
    expect(router.hasModel("my-alias")).toBe(true);
    expect(router.hasModel("anything/at-all")).toBe(true);
  });

  it("strips the router's own body params before the provider sees them", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      script: { "gpt-a": [{ ok: "a" }] },
    });
    const request = { ...chatRequest("g"), fallbacks: ["x"], num_retries: 1, temperature: 0.2 };
    await router.chatCompletion(request);
    expect(fake.calls[0]?.request).not.toHaveProperty("fallbacks");
    expect(fake.calls[0]?.request).not.toHaveProperty("num_retries");
    expect(fake.calls[0]?.request.temperature).toBe(0.2);
  });

  it("skips deployments at their rpm limit and answers 429 naming the group when all are", async () => {
    const clock = manualClock();
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a", { rpm: 2 }), entry("g", "openai/gpt-b", { rpm: 1 })],
      script: { "gpt-a": [{ ok: "a" }], "gpt-b": [{ ok: "b" }] },
      clock,
    });
    for (let i = 0; i < 3; i++) await router.chatCompletion(chatRequest("g"));
    expect(fake.countFor("gpt-a")).toBe(2);
    expect(fake.countFor("gpt-b")).toBe(1);
    const error = await router.chatCompletion(chatRequest("g")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoDeploymentsAvailableError);
    expect(error).toMatchObject({ status: 429, modelGroup: "g", reason: "rate_limit" });
    expect((error as Error).message).toContain('"g"');
    expect((error as NoDeploymentsAvailableError).headers["retry-after"]).toBeDefined();
    clock.advance(60_000);
    await expect(router.chatCompletion(chatRequest("g"))).resolves.toBeDefined();
  });

  it("respects tpm limits with the estimated prompt tokens", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a", { tpm: 50 }), entry("g", "openai/gpt-b")],
      settings: { routing_strategy: "usage-based-routing-v2" },
      script: { "gpt-a": [{ ok: "a" }], "gpt-b": [{ ok: "b" }] },
    });
    await router.chatCompletion(
      chatRequest("g", { messages: [{ role: "user", content: "x".repeat(400) }] }),
    );
    expect(fake.countFor("gpt-b")).toBe(1);
  });

  it("lists groups and deployments without secrets", () => {
    const { router } = testRouter({
      modelList: [
        entry(
          "gpt-4o",
          "openai/gpt-a",
          {
            api_key: "sk-live-123456",
            rpm: 5,
            input_cost_per_token: 1e-6,
            aws_secret_access_key: "s3cr3t",
          },
          { id: "a", max_input_tokens: 1000 },
        ),
        entry("emb", "openai/text-embedding-3-small"),
      ],
      settings: { model_group_alias: { four: "gpt-4o" } },
    });
    expect(router.modelGroups()).toEqual(["gpt-4o", "emb", "four"]);
    const infos = router.deployments();
    expect(infos[0]).toMatchObject({
      id: "a",
      modelName: "gpt-4o",
      model: "openai/gpt-a",
      provider: "openai",
      rpm: 5,
      maxInputTokens: 1000,
      inputCostPerToken: 1e-6,
    });
    const text = JSON.stringify(infos);
    expect(text).not.toContain("sk-live");
    expect(text).not.toContain("s3cr3t");
  });

  it("replaces the model list at runtime", async () => {
    const { router } = testRouter({
      modelList: [entry("a", "openai/gpt-a")],
      script: { "gpt-b": [{ ok: "b" }] },
    });
    expect(router.hasModel("b")).toBe(false);
    router.setModelList([entry("a", "openai/gpt-a"), entry("b", "openai/gpt-b")]);
    expect(router.hasModel("b")).toBe(true);
    await expect(router.chatCompletion(chatRequest("b"))).resolves.toMatchObject({
      deployment: { modelGroup: "b" },
    });
  });

  it("routes embeddings the same way", async () => {
    const { router, embeddings } = testRouter({
      modelList: [entry("emb", "openai/text-embedding-3-small", {}, { id: "e1" })],
    });
    const result = await router.embedding({ model: "emb", input: "hello" });
    expect(result.response.data).toHaveLength(1);
    expect(result.deployment.id).toBe("e1");
    expect(embeddings.calls[0]?.deployment.model).toBe("text-embedding-3-small");
  });

  it("wraps a non-typed failure of a call function as a retryable upstream error", async () => {
    const { router } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      settings: { num_retries: 0 },
      script: {},
    });
    const error = await router.chatCompletion(chatRequest("g")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
  });
});
