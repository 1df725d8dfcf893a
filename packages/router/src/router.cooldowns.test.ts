import { RateLimitError, UpstreamError } from "@org/core";
import { describe, expect, it } from "vitest";
import { chatRequest, entry, manualClock } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";
import { NoDeploymentsAvailableError } from "./errors/no-deployments-error.ts";

describe("Router: cooldowns", () => {
  it("cools a deployment down after a 429 and skips it for cooldown_time", async () => {
    const clock = manualClock();
    const { router, fake, logs } = testRouter({
      // Weight 0 ranks b last: a is always tried first while it is usable.
      modelList: [
        entry("g", "openai/gpt-a", { weight: 1 }, { id: "a" }),
        entry("g", "openai/gpt-b", { weight: 0 }, { id: "b" }),
      ],
      settings: { cooldown_time: 30 },
      script: {
        "gpt-a": [{ error: new RateLimitError("429") }, { ok: "a" }],
        "gpt-b": [{ ok: "b" }],
      },
      clock,
    });
    const first = await router.chatCompletion(chatRequest("g"));
    expect(first.deployment.id).toBe("b");
    expect(first.attempts[0]).toMatchObject({
      deploymentId: "a",
      outcome: "failure",
      errorClass: "RateLimitError",
      status: 429,
    });
    expect(first.attempts[0]?.cooldownUntil).toBe(clock.now() + 30_000);
    expect(logs.some((l) => l.level === "warn" && l.message.includes("cooling down"))).toBe(true);

    for (let i = 0; i < 5; i++)
      expect((await router.chatCompletion(chatRequest("g"))).deployment.id).toBe("b");
    expect(fake.countFor("gpt-a")).toBe(1);
    const health = await router.health();
    expect(health.unhealthy.map((d) => d.id)).toEqual(["a"]);
    expect(health.healthy.map((d) => d.id)).toEqual(["b"]);
    expect(health.store).toEqual({ backend: "memory", healthy: true });

    clock.advance(30_000);
    expect((await router.health()).unhealthy).toEqual([]);
    expect((await router.chatCompletion(chatRequest("g"))).deployment.id).toBe("a");
  });

  it("cools down only past allowed_fails failures in a minute", async () => {
    const clock = manualClock();
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a", {}, { id: "a" })],
      settings: { allowed_fails: 2, num_retries: 0, cooldown_time: 10 },
      script: { "gpt-a": [{ error: new UpstreamError("boom") }] },
      clock,
    });
    for (let i = 0; i < 3; i++) await router.chatCompletion(chatRequest("g")).catch(() => {});
    expect(fake.calls).toHaveLength(3);
    const error = await router.chatCompletion(chatRequest("g")).catch((e: unknown) => e);
    expect(fake.calls).toHaveLength(3);
    expect(error).toBeInstanceOf(NoDeploymentsAvailableError);
    expect(error).toMatchObject({
      status: 429,
      reason: "cooldown",
      modelGroup: "g",
      retryAfterMs: 10_000,
    });
    expect((error as Error).message).toMatch(/Try again in 10 seconds/);
    clock.advance(10_000);
    await router.chatCompletion(chatRequest("g")).catch(() => {});
    expect(fake.calls).toHaveLength(4);
  });

  it("does not count client errors against a deployment", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      settings: { allowed_fails: 0 },
      script: { "gpt-a": [{ error: new UpstreamError("bad", { status: 422 }) }] },
    });
    for (let i = 0; i < 3; i++) await router.chatCompletion(chatRequest("g")).catch(() => {});
    expect(fake.calls).toHaveLength(3);
  });

  it("uses the per-deployment cooldown_time", async () => {
    const clock = manualClock();
    const { router } = testRouter({
      modelList: [
        entry("g", "openai/gpt-a", { cooldown_time: 2, weight: 1 }, { id: "a" }),
        entry("g", "openai/gpt-b", { weight: 0 }, { id: "b" }),
      ],
      settings: { cooldown_time: 60 },
      script: { "gpt-a": [{ error: new RateLimitError("429") }], "gpt-b": [{ ok: "b" }] },
      clock,
    });
    await router.chatCompletion(chatRequest("g"));
    expect((await router.health()).unhealthy).toEqual([
      expect.objectContaining({ id: "a", cooldownUntil: clock.now() + 2000 }),
    ]);
  });

  it("keeps retrying a group's only deployment instead of cooling it down (LiteLLM's default)", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a", {}, { id: "a" })],
      settings: { num_retries: 2, retry_after: 0 },
      script: {
        "gpt-a": [
          { error: new RateLimitError("429", { retryAfterMs: 1 }) },
          { error: new RateLimitError("429", { retryAfterMs: 1 }) },
          { ok: "a" },
        ],
      },
    });
    const result = await router.chatCompletion(chatRequest("g"));
    expect(result.deployment.id).toBe("a");
    expect(fake.calls).toHaveLength(3);
    expect((await router.health()).unhealthy).toEqual([]);
  });

  it("never cools down with disable_cooldowns", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      settings: { disable_cooldowns: true, num_retries: 0 },
      script: { "gpt-a": [{ error: new RateLimitError("429") }] },
    });
    for (let i = 0; i < 3; i++) await router.chatCompletion(chatRequest("g")).catch(() => {});
    expect(fake.calls).toHaveLength(3);
  });
});
