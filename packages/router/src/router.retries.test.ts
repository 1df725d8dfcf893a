import { AuthenticationError, InvalidRequestError, RateLimitError, UpstreamError } from "@org/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chatRequest, entry } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";

const twoDeployments = [
  entry("g", "openai/gpt-a", {}, { id: "a" }),
  entry("g", "openai/gpt-b", {}, { id: "b" }),
];

/** Runs `fn` under fake timers and reports how much fake time it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  vi.useFakeTimers();
  const started = Date.now();
  const pending = fn();
  await vi.runAllTimersAsync();
  const value = await pending;
  return { value, ms: Date.now() - started };
}

describe("Router: retries", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("retries a server error on another deployment at once", async () => {
    const { router, fake } = testRouter({
      modelList: twoDeployments,
      script: {
        "gpt-a": [{ error: new UpstreamError("boom", { status: 500 }) }],
        "gpt-b": [{ ok: "b" }],
      },
    });
    // Whichever deployment goes first, a failure on a is followed at once by b: no back-off
    // timer runs (fake time, so a busy machine cannot make this flaky).
    for (let i = 0; i < 6; i++) {
      const { value: result, ms } = await timed(() => router.chatCompletion(chatRequest("g")));
      expect(ms).toBe(0);
      expect(result.kind === "response" && result.completion.choices[0]?.message.content).toBe("b");
      expect(result.deployment.id).toBe("b");
      expect(result.headers["x-litellm-attempted-retries"]).toBe(
        String(result.attempts.length - 1),
      );
    }
    expect(fake.countFor("gpt-a")).toBeGreaterThan(0);
  });

  it("retries the failed deployment only after every other one was tried", async () => {
    const seen: string[][] = [];
    const { router } = testRouter({
      modelList: [...twoDeployments, entry("g", "openai/gpt-c", {}, { id: "c" })],
      settings: { num_retries: 2, allowed_fails: 100 },
      script: {
        "gpt-a": [{ error: new UpstreamError("a") }],
        "gpt-b": [{ error: new UpstreamError("b") }],
        "gpt-c": [{ error: new UpstreamError("c") }],
      },
      hooks: { postCall: (ctx) => void seen.push(ctx.attempts.map((a) => a.deploymentId)) },
    });
    for (let i = 0; i < 3; i++) {
      await expect(router.chatCompletion(chatRequest("g"))).rejects.toBeInstanceOf(UpstreamError);
    }
    for (const ids of seen) expect(new Set(ids)).toEqual(new Set(["a", "b", "c"]));
  });

  it("gives up after num_retries", async () => {
    const { router, fake } = testRouter({
      modelList: twoDeployments,
      settings: { num_retries: 1, allowed_fails: 100 },
      script: {
        "gpt-a": [{ error: new UpstreamError("boom a") }],
        "gpt-b": [{ error: new UpstreamError("boom b") }],
      },
    });
    await expect(router.chatCompletion(chatRequest("g"))).rejects.toBeInstanceOf(UpstreamError);
    expect(fake.calls).toHaveLength(2);
  });

  it("takes num_retries from the request body", async () => {
    const { router, fake } = testRouter({
      modelList: twoDeployments,
      settings: { num_retries: 3, allowed_fails: 100 },
      script: {
        "gpt-a": [{ error: new UpstreamError("boom a") }],
        "gpt-b": [{ error: new UpstreamError("boom b") }],
      },
    });
    await expect(
      router.chatCompletion({ ...chatRequest("g"), num_retries: 0 }),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(fake.calls).toHaveLength(1);
  });

  it("does not retry 400, 401, 403", async () => {
    for (const error of [new InvalidRequestError("bad"), new AuthenticationError("key")]) {
      const { router, fake } = testRouter({
        modelList: twoDeployments,
        script: { "gpt-a": [{ error }], "gpt-b": [{ error }] },
      });
      await expect(router.chatCompletion(chatRequest("g"))).rejects.toBe(error);
      expect(fake.calls).toHaveLength(1);
    }
  });

  it("honours a retry policy per error class", async () => {
    const { router, fake } = testRouter({
      modelList: twoDeployments,
      settings: { num_retries: 0, retry_policy: { AuthenticationErrorRetries: 1 } },
      script: {
        "gpt-a": [{ error: new AuthenticationError("key") }],
        "gpt-b": [{ error: new AuthenticationError("key") }],
      },
    });
    await expect(router.chatCompletion(chatRequest("g"))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(fake.calls).toHaveLength(2);
  });

  it("backs off before retrying the same deployment, honouring retry-after", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      settings: { num_retries: 1, allowed_fails: 10 },
      script: {
        "gpt-a": [
          { error: new UpstreamError("busy", { status: 503, retryAfterMs: 120 }) },
          { ok: "a" },
        ],
      },
    });
    const { value: result, ms } = await timed(() => router.chatCompletion(chatRequest("g")));
    expect(ms).toBe(120);
    expect(result.headers["x-litellm-attempted-retries"]).toBe("1");
    expect(fake.calls).toHaveLength(2);
  });

  it("uses exponential back-off with jitter when the upstream gives no hint", async () => {
    const { router } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      settings: { num_retries: 1, allowed_fails: 10 },
      script: { "gpt-a": [{ error: new UpstreamError("boom") }, { ok: "a" }] },
    });
    const { ms } = await timed(() => router.chatCompletion(chatRequest("g")));
    // 500 ms, minus up to 25 % jitter.
    expect(ms).toBeGreaterThanOrEqual(375);
    expect(ms).toBeLessThanOrEqual(500);
  });

  it("surfaces the upstream error when a retry finds the group cooled down", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      // allowed_fails configured: the group's only deployment cools down too (LiteLLM).
      settings: { num_retries: 3, allowed_fails: 1 },
      script: { "gpt-a": [{ error: new RateLimitError("upstream 429") }] },
    });
    const error = await router.chatCompletion(chatRequest("g")).catch((e: unknown) => e);
    expect((error as Error).message).toBe("upstream 429");
    expect(fake.calls).toHaveLength(1);
  });

  it("with a retry policy for the class, waits for a cooled-down group to recover and retries", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      settings: { cooldown_time: 2, allowed_fails: 1, retry_policy: { RateLimitErrorRetries: 1 } },
      script: { "gpt-a": [{ error: new RateLimitError("429") }, { ok: "a" }] },
    });
    const { value: result, ms } = await timed(() => router.chatCompletion(chatRequest("g")));
    // The 2 s cooldown outlasts the back-off: the retry waits for the deployment to recover.
    expect(ms).toBe(2000);
    expect(result.headers["x-litellm-attempted-retries"]).toBe("1");
    expect(fake.calls).toHaveLength(2);
  });
});
