import { InvalidRequestError, UpstreamError } from "@org/core";
import type { CallChat, CallEmbedding } from "./call/call-functions.ts";
import { describe, expect, it } from "vitest";
import { chatRequest, entry } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";

const models = [
  entry("g", "openai/gpt-a", {}, { id: "a" }),
  entry("g", "openai/gpt-b", {}, { id: "b" }),
  entry("backup", "openai/gpt-c", {}, { id: "c" }),
];
// Everything that would normally try again: retries, a retry policy for 400s, fallbacks.
const eager = {
  num_retries: 3,
  retry_policy: { BadRequestErrorRetries: 3 },
  fallbacks: [{ g: ["backup"] }],
};

/** A real stack overflow, as serialising a body nested ~5,000 deep produced. */
function overflow(): never {
  const recurse = (n: number): number => recurse(n + 1) + 1;
  recurse(0);
  throw new Error("unreachable");
}

function counting<F extends (...args: never[]) => unknown>(fail: () => never) {
  let calls = 0;
  const fn = (async () => {
    calls++;
    fail();
  }) as unknown as F;
  return { fn, calls: () => calls };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("the call succeeded"),
    (e: unknown) => e,
  );
}

describe("Router: failures while building the request locally", () => {
  it("a stack overflow building a chat request is a 400, tried once: no retry, no fallback", async () => {
    const call = counting<CallChat>(overflow);
    const { router } = testRouter({
      modelList: models,
      settings: eager,
      extra: { callChat: call.fn },
    });
    const error = await rejection(router.chatCompletion(chatRequest("g")));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", retryable: false });
    expect((error as Error).message).toMatch(/nested too deeply/);
    expect(call.calls()).toBe(1);
  });

  it("does not cool the deployment down: the next request can use it", async () => {
    const call = counting<CallChat>(overflow);
    const { router } = testRouter({
      modelList: [entry("solo", "openai/gpt-a", {}, { id: "a" })],
      settings: { allowed_fails: 0 },
      extra: { callChat: call.fn },
    });
    for (let i = 0; i < 3; i++) {
      await expect(router.chatCompletion(chatRequest("solo"))).rejects.toMatchObject({
        status: 400,
      });
    }
    expect(call.calls()).toBe(3);
    expect((await router.health()).unhealthy).toEqual([]);
  });

  it("a TypeError in an adapter building an embeddings request is a 400, tried once", async () => {
    const call = counting<CallEmbedding>(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'map')");
    });
    const { router } = testRouter({
      modelList: models,
      settings: eager,
      extra: { callEmbedding: call.fn },
    });
    const error = await rejection(router.embedding({ model: "g", input: "hi" }));
    expect(error).toMatchObject({ status: 400, code: "request_not_buildable" });
    expect((error as Error).message).toContain("TypeError: Cannot read properties");
    expect(call.calls()).toBe(1);
  });

  it("a network failure shaped as a TypeError (fetch failed, with a code) is still the upstream's and retried", async () => {
    const call = counting<CallChat>(() => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    });
    const { router } = testRouter({
      modelList: models,
      settings: { num_retries: 2 },
      extra: { callChat: call.fn },
    });
    const error = await rejection(router.chatCompletion(chatRequest("g")));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(call.calls()).toBeGreaterThan(1);
  });
});
