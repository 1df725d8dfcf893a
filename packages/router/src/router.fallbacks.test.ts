import {
  ContentPolicyError,
  ContextWindowExceededError,
  InvalidRequestError,
  UpstreamError,
} from "@org/core";
import { describe, expect, it } from "vitest";
import { chatRequest, entry } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";

const models = [
  entry("primary", "openai/gpt-p", {}, { id: "p", max_input_tokens: 20 }),
  entry("backup", "openai/gpt-b", {}, { id: "b" }),
  entry("big", "openai/gpt-big", {}, { id: "big", max_input_tokens: 100_000 }),
  entry("safe", "openai/gpt-safe", {}, { id: "safe" }),
];

describe("Router: fallbacks", () => {
  it("falls back to another group after retries, and says so", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: {
        num_retries: 1,
        allowed_fails: 10,
        retry_after: 0,
        fallbacks: [{ primary: ["backup"] }],
      },
      script: {
        "gpt-p": [{ error: new UpstreamError("down", { retryAfterMs: 1 }) }],
        "gpt-b": [{ ok: "from backup" }],
      },
    });
    const result = await router.chatCompletion(chatRequest("primary"));
    expect(fake.countFor("gpt-p")).toBe(2);
    expect(result.deployment).toMatchObject({ id: "b", modelGroup: "backup" });
    expect(result.fallbacksTaken).toEqual(["backup"]);
    expect(result.headers).toMatchObject({
      "x-litellm-model-group": "backup",
      "x-litellm-model-id": "b",
      "x-litellm-attempted-fallbacks": "1",
      "x-litellm-attempted-retries": "1",
    });
    expect(result.context.modelGroup).toBe("primary");
  });

  it("uses the * entry and default_fallbacks for groups without their own", async () => {
    const { router } = testRouter({
      modelList: models,
      settings: { num_retries: 0, default_fallbacks: ["backup"] },
      script: { "gpt-p": [{ error: new UpstreamError("down") }], "gpt-b": [{ ok: "b" }] },
    });
    expect((await router.chatCompletion(chatRequest("primary"))).deployment.modelGroup).toBe(
      "backup",
    );
  });

  it("takes fallbacks from the request, replacing the configured ones", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: { num_retries: 0, fallbacks: [{ primary: ["backup"] }] },
      script: { "gpt-p": [{ error: new UpstreamError("down") }], "gpt-safe": [{ ok: "s" }] },
    });
    const viaBody = await router.chatCompletion({ ...chatRequest("primary"), fallbacks: ["safe"] });
    expect(viaBody.deployment.modelGroup).toBe("safe");
    const viaOption = await router.chatCompletion(chatRequest("primary"), {
      requestFallbacks: ["safe"],
    });
    expect(viaOption.deployment.modelGroup).toBe("safe");
    expect(fake.countFor("gpt-b")).toBe(0);
  });

  it("sends context-window errors to context_window_fallbacks only", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: {
        fallbacks: [{ primary: ["backup"] }],
        context_window_fallbacks: [{ primary: ["big"] }],
      },
      script: {
        "gpt-p": [{ error: new ContextWindowExceededError("too long") }],
        "gpt-big": [{ ok: "big" }],
      },
    });
    const result = await router.chatCompletion(chatRequest("primary"));
    expect(result.deployment.modelGroup).toBe("big");
    expect(fake.countFor("gpt-p")).toBe(1);
    expect(fake.countFor("gpt-b")).toBe(0);
  });

  it("detects a prompt over max_input_tokens before the call with enable_pre_call_checks", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: { enable_pre_call_checks: true, context_window_fallbacks: [{ primary: ["big"] }] },
      script: { "gpt-big": [{ ok: "big" }] },
    });
    const long = chatRequest("primary", { messages: [{ role: "user", content: "x".repeat(400) }] });
    const result = await router.chatCompletion(long);
    expect(result.deployment.modelGroup).toBe("big");
    expect(fake.countFor("gpt-p")).toBe(0);
  });

  it("without a context-window fallback, the pre-call check answers with the error", async () => {
    const { router } = testRouter({
      modelList: models,
      settings: { enable_pre_call_checks: true },
    });
    const long = chatRequest("primary", { messages: [{ role: "user", content: "x".repeat(400) }] });
    await expect(router.chatCompletion(long)).rejects.toBeInstanceOf(ContextWindowExceededError);
  });

  it("sends content-policy errors to content_policy_fallbacks", async () => {
    const { router } = testRouter({
      modelList: models,
      settings: { content_policy_fallbacks: [{ primary: ["safe"] }] },
      script: {
        "gpt-p": [{ error: new ContentPolicyError("flagged") }],
        "gpt-safe": [{ ok: "ok" }],
      },
    });
    expect((await router.chatCompletion(chatRequest("primary"))).deployment.modelGroup).toBe(
      "safe",
    );
  });

  it("does not fall back from a malformed request", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: { fallbacks: [{ primary: ["backup"] }] },
      script: {
        "gpt-p": [{ error: new InvalidRequestError("bad param") }],
        "gpt-b": [{ ok: "b" }],
      },
    });
    await expect(router.chatCompletion(chatRequest("primary"))).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(fake.countFor("gpt-b")).toBe(0);
  });

  it("chains fallbacks without revisiting a group, up to max_fallbacks", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: {
        num_retries: 0,
        fallbacks: [{ primary: ["backup"] }, { backup: ["primary", "safe"] }, { safe: ["big"] }],
        max_fallbacks: 2,
      },
      script: {
        "gpt-p": [{ error: new UpstreamError("p") }],
        "gpt-b": [{ error: new UpstreamError("b") }],
        "gpt-safe": [{ error: new UpstreamError("s") }],
        "gpt-big": [{ ok: "big" }],
      },
    });
    const error = await router.chatCompletion(chatRequest("primary")).catch((e: unknown) => e);
    expect((error as Error).message).toBe("s");
    expect(fake.countFor("gpt-p")).toBe(1);
    expect(fake.countFor("gpt-big")).toBe(0);
  });

  it("can be switched off per request with disable_fallbacks", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: { num_retries: 0, fallbacks: [{ primary: ["backup"] }] },
      script: { "gpt-p": [{ error: new UpstreamError("p") }], "gpt-b": [{ ok: "b" }] },
    });
    await expect(
      router.chatCompletion({ ...chatRequest("primary"), disable_fallbacks: true }),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(fake.countFor("gpt-b")).toBe(0);
  });

  it("falls back when every deployment of the group is cooling down", async () => {
    const { router, fake } = testRouter({
      modelList: models,
      settings: { num_retries: 0, allowed_fails: 1, fallbacks: [{ primary: ["backup"] }] },
      script: {
        "gpt-p": [{ error: new UpstreamError("p", { status: 429 }) }],
        "gpt-b": [{ ok: "b" }],
      },
    });
    await router.chatCompletion(chatRequest("primary"));
    const second = await router.chatCompletion(chatRequest("primary"));
    expect(second.deployment.modelGroup).toBe("backup");
    expect(fake.countFor("gpt-p")).toBe(1);
  });
});
