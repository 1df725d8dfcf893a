import { TimeoutError } from "@org/core";
import { describe, expect, it, vi } from "vitest";
import { chatRequest, entry } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";
import { ClientClosedError } from "./errors/client-closed-error.ts";

describe("Router: timeouts", () => {
  it("aborts a call past timeout, cools the deployment down and retries elsewhere", async () => {
    const { router, fake, store } = testRouter({
      modelList: [
        entry("g", "openai/gpt-a", { weight: 1 }, { id: "a" }),
        entry("g", "openai/gpt-b", { weight: 0 }, { id: "b" }),
      ],
      settings: { timeout: 0.05 },
      script: { "gpt-a": [{ hang: true }], "gpt-b": [{ ok: "b" }] },
    });
    const result = await router.chatCompletion(chatRequest("g"));
    expect(result.deployment.id).toBe("b");
    expect(result.attempts[0]).toMatchObject({
      deploymentId: "a",
      errorClass: "TimeoutError",
      status: 408,
    });
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    expect(fake.calls[0]?.timeoutMs).toBe(50);
    expect(store.view("a").cooldownUntil).toBeGreaterThan(Date.now());
  });

  it("prefers the deployment's timeout over the global one", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a", { timeout: 0.03 })],
      settings: { timeout: 60, num_retries: 0 },
      script: { "gpt-a": [{ hang: true }] },
    });
    // Fake time: the call is still waiting 1 ms before the deployment's 30 ms and has failed
    // with a timeout at 30 ms, long before the global 60 s.
    vi.useFakeTimers();
    try {
      let outcome: unknown = "pending";
      router.chatCompletion(chatRequest("g")).then(
        () => (outcome = "resolved"),
        (error: unknown) => (outcome = error),
      );
      await vi.advanceTimersByTimeAsync(29);
      expect(outcome).toBe("pending");
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(TimeoutError);
      expect(fake.calls[0]?.timeoutMs).toBe(30);
    } finally {
      vi.useRealTimers();
    }
  });

  it("passes the deadlines down to the call (the transport's own timers)", async () => {
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a", { stream_timeout: 3 })],
      settings: { timeout: 20 },
      script: { "gpt-a": [{ stream: ["x"] }] },
    });
    await router.chatCompletion(chatRequest("g", { stream: true }));
    expect(fake.calls[0]).toMatchObject({ timeoutMs: 3000, streamTimeoutMs: 3000 });
  });

  it("stops at once when the client goes away, without retrying or counting a failure", async () => {
    const client = new AbortController();
    const { router, fake, store } = testRouter({
      modelList: [
        entry("g", "openai/gpt-a", {}, { id: "a" }),
        entry("g", "openai/gpt-b", {}, { id: "b" }),
      ],
      settings: { allowed_fails: 0 },
      script: { "gpt-a": [{ hang: true }], "gpt-b": [{ hang: true }] },
    });
    const pending = router.chatCompletion(chatRequest("g"), { signal: client.signal });
    await new Promise((r) => setTimeout(r, 10));
    client.abort();
    await expect(pending).rejects.toBeInstanceOf(ClientClosedError);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    expect(store.view("a").cooldownUntil + store.view("b").cooldownUntil).toBe(0);
  });
});
