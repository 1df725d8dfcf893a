import { setTimeout as sleep } from "node:timers/promises";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  hang,
  json,
  openaiChunks,
  openaiCompletion,
  openaiError,
  sse,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Load sharing under rpm limits, cooldowns and recovery, timeouts and client aborts, through
// the running gateway against fake OpenAI upstreams. One gateway, one model group per scenario.
const FAKES = [
  "shared1",
  "shared2",
  "shared3",
  "flakyA",
  "flakyB",
  "solo",
  "slow",
  "stalling",
  "dripping",
] as const;
type FakeName = (typeof FAKES)[number];

/**
 * rpm limits count per calendar minute: a scenario that needs its requests in one minute starts
 * at least `neededMs` before the next one.
 */
async function awayFromMinuteEdge(neededMs: number): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - neededMs) await sleep(60_000 - intoMinute + 200);
}

describe("router resilience", () => {
  const fakes = {} as Record<FakeName, FakeServer>;
  let gateway: TestGateway;
  let client: OpenAI;

  const deployment = (
    group: string,
    fake: FakeName,
    extra: Record<string, unknown> = {},
    id?: string,
  ) => ({
    model_name: group,
    litellm_params: {
      model: "openai/gpt-4o",
      api_key: "sk-upstream",
      api_base: `${fakes[fake].url}/v1`,
      ...extra,
    },
    ...(id === undefined ? {} : { model_info: { id } }),
  });

  beforeAll(async () => {
    const started = await Promise.all(FAKES.map(() => startFakeOpenAI()));
    FAKES.forEach((name, i) => (fakes[name] = started[i]!));
    gateway = await startTestGateway({
      config: {
        model_list: [
          deployment("shared", "shared1", { rpm: 5 }, "shared-1"),
          deployment("shared", "shared2", { rpm: 5 }, "shared-2"),
          deployment("shared", "shared3", { rpm: 5 }, "shared-3"),
          deployment("flaky", "flakyA", {}, "flaky-a"),
          deployment("flaky", "flakyB", {}, "flaky-b"),
          deployment("solo", "solo", {}, "solo"),
          deployment("slow", "slow", { timeout: 1 }),
          deployment("stalling", "stalling", { stream_timeout: 1 }),
          deployment("dripping", "dripping"),
        ],
        router_settings: {
          routing_strategy: "usage-based-routing-v2",
          allowed_fails: 1,
          cooldown_time: 1,
        },
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  });

  beforeEach(() => {
    for (const fake of Object.values(fakes)) fake.reset();
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  });

  const chat = (model: string, content = "hello") =>
    client.chat.completions.create({ model, messages: [{ role: "user", content }] }).withResponse();
  const failure = (model: string) =>
    chat(model).then(
      () => {
        throw new Error(`expected ${model} to fail`);
      },
      (error: unknown) => {
        if (!(error instanceof OpenAI.APIError)) throw error;
        return error;
      },
    );
  const chatCalls = (name: FakeName) => fakes[name].callCount("/v1/chat/completions");

  describe("rpm limits under usage-based routing", () => {
    it("spreads requests so no deployment passes its rpm, then answers 429 naming the group", async () => {
      await awayFromMinuteEdge(10_000);
      const first = await Promise.all(
        Array.from({ length: 12 }, (_, i) => chat("shared", `r${i}`)),
      );
      expect(first.every(({ data }) => data.choices[0]?.message.content?.startsWith("echo:"))).toBe(
        true,
      );
      const counts = () => [chatCalls("shared1"), chatCalls("shared2"), chatCalls("shared3")];
      expect(counts().reduce((a, b) => a + b, 0)).toBe(12);
      for (const count of counts()) expect(count).toBeLessThanOrEqual(5);

      // Requests 13-15 fill every deployment to its limit of 5.
      await Promise.all([chat("shared"), chat("shared"), chat("shared")]);
      expect(counts()).toEqual([5, 5, 5]);

      const error = await failure("shared");
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.error).toMatchObject({
        message: expect.stringContaining('model group "shared"'),
        code: "no_deployments_available",
      });
      expect(error.message).toMatch(/rpm\/tpm limit/);
      expect(Number(error.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(counts()).toEqual([5, 5, 5]);
    }, 60_000);
  });

  describe("cooldowns", () => {
    it("skips a failing deployment for cooldown_time after allowed_fails, then tries it again", async () => {
      fakes.flakyA.setDefault(openaiError(500));

      // Usage-based routing ranks the deployment with the fewest tokens this minute first, so
      // once flaky-b has served, flaky-a comes first. Its failures are retried on flaky-b at once:
      // the client never sees them. The second failure passes allowed_fails (1).
      for (let i = 0; i < 6 && chatCalls("flakyA") < 2; i++) {
        const { data, response } = await chat("flaky");
        expect(data.choices[0]?.message.content).toBe("echo: hello");
        expect(response.headers.get("x-litellm-model-id")).toBe("flaky-b");
      }
      expect(chatCalls("flakyA")).toBe(2);
      const cooledAt = fakes.flakyA.requests[1]!.timestamp;

      // During the cooldown flaky-a is not called: flaky-b answers at the first try. (Only
      // answers that came back before the cooldown could have ended prove anything.)
      const duringCooldown: Array<{ id: string | null; retries: string | null }> = [];
      for (;;) {
        const { response } = await chat("flaky");
        if (Date.now() >= cooledAt + 1000) break;
        duringCooldown.push({
          id: response.headers.get("x-litellm-model-id"),
          retries: response.headers.get("x-litellm-attempted-retries"),
        });
        if (Date.now() >= cooledAt + 600) break;
      }
      expect(duringCooldown.length).toBeGreaterThan(0);
      for (const answer of duringCooldown) expect(answer).toEqual({ id: "flaky-b", retries: "0" });
      const calledDuringCooldown = fakes.flakyA.requests.filter(
        (r) => r.timestamp > cooledAt && r.timestamp < cooledAt + 1000,
      );
      expect(calledDuringCooldown).toEqual([]);

      // Repaired and past its 1 s cooldown, flaky-a (the least used) serves again.
      fakes.flakyA.setDefault(okReply());
      await sleep(Math.max(0, cooledAt + 1200 - Date.now()));
      let servedBy: string | null = null;
      for (let i = 0; i < 5 && servedBy !== "flaky-a"; i++) {
        servedBy = (await chat("flaky")).response.headers.get("x-litellm-model-id");
      }
      expect(servedBy).toBe("flaky-a");
      expect(chatCalls("flakyA")).toBeGreaterThan(2);
    });

    it("answers a clear 429 saying when a group whose only deployment cools down recovers", async () => {
      fakes.solo.setDefault(openaiError(500));
      // Two failures (the first try and its retry) pass allowed_fails (1): a 5xx for this request.
      const upstreamFailure = await failure("solo");
      expect(upstreamFailure.status).toBe(500);
      expect(chatCalls("solo")).toBe(2);

      const error = await failure("solo");
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.error).toMatchObject({
        message: expect.stringMatching(
          /No deployments available for model group "solo": every deployment is cooling down after failures\. Try again in 1 second\./,
        ),
        type: "rate_limit_error",
        code: "no_deployments_available",
      });
      expect(error.headers?.get("retry-after")).toBe("1");
      // The cooled-down deployment was not called.
      expect(chatCalls("solo")).toBe(2);

      fakes.solo.setDefault(okReply());
      await sleep(1100);
      const { response } = await chat("solo");
      expect(response.headers.get("x-litellm-model-id")).toBe("solo");
    });
  });

  describe("timeouts", () => {
    it("aborts a hanging upstream after the deployment's timeout and answers 408", async () => {
      fakes.slow.setDefault(hang());
      // The upstream hangs forever: only the deployment's 1000 ms deadline ends the call (the
      // message names it), so no wall-clock bound is needed.
      const error = await failure("slow");

      expect(error.status).toBe(408);
      expect(error.error).toMatchObject({
        type: "timeout_error",
        code: "timeout",
        message: expect.stringMatching(/timed out after 1000 ms/),
      });
      await fakes.slow.waitFor(
        (requests) => requests.length > 0 && requests.every((r) => r.aborted),
      );
    });

    it("ends a stream that stalls past stream_timeout with an error event, aborting upstream", async () => {
      // Headers and a first chunk, then nothing.
      fakes.stalling.setDefault(
        sse(openaiChunks({ content: ["Hel"], finishReason: null, done: false }), {
          endWith: "hang",
        }),
      );
      const res = await fetch(`${gateway.baseURL}/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${gateway.masterKey}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          model: "stalling",
          messages: [{ role: "user", content: "hi" }],
          stream: true,
        }),
      });
      expect(res.status).toBe(200);
      // The upstream stalls forever: the body ends only because stream_timeout fired.
      const body = await res.text();

      const events = body.split("\n\n").filter((e) => e !== "");
      // The error event ends the stream: no [DONE] that a client could take for a finished answer.
      expect(body).not.toContain("[DONE]");
      const error = JSON.parse(events.at(-1)!.replace(/^data: /, "")) as {
        error: { type: string; code: string; message: string };
      };
      expect(error.error).toMatchObject({ type: "timeout_error", code: "timeout" });
      // The chunk that did arrive reached the client first.
      expect(body).toContain('"content":"Hel"');
      await fakes.stalling.waitFor((requests) => requests[0]?.aborted === true);
    });
  });

  describe("client aborts", () => {
    it("cancels the upstream request when the client aborts a stream mid-way", async () => {
      const words = Array.from({ length: 50 }, (_, i) => `w${i} `);
      fakes.dripping.setDefault(sse(openaiChunks({ content: words }), { delayMs: 100 }));
      const stream = await client.chat.completions.create({
        model: "dripping",
        messages: [{ role: "user", content: "talk slowly" }],
        stream: true,
      });
      let received = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received++;
        if (received === 2) stream.controller.abort();
      }
      expect(received).toBe(2);
      await fakes.dripping.waitFor((requests) => requests[0]?.aborted === true);
      expect(chatCalls("dripping")).toBe(1);
    });

    it("cancels the upstream request when the client hangs up on a non-streamed request", async () => {
      // No deadline on this deployment: only the client leaving can end the upstream call.
      fakes.dripping.setDefault(hang());
      const controller = new AbortController();
      const pending = client.chat.completions.create(
        { model: "dripping", messages: [{ role: "user", content: "think forever" }] },
        { signal: controller.signal },
      );
      await fakes.dripping.waitFor((requests) => requests.length === 1);
      controller.abort();
      await expect(pending).rejects.toThrow(/abort/i);
      await fakes.dripping.waitFor((requests) => requests[0]?.aborted === true);
      expect(chatCalls("dripping")).toBe(1);
      // The gateway is still serving (nothing left half-open or crashed).
      fakes.dripping.setDefault(okReply());
      const { data } = await chat("dripping");
      expect(data.choices[0]?.message.content).toBe("ok");
    });
  });
});

/** A healthy answer again, for a fake whose default was replaced by an error. */
function okReply() {
  return json(openaiCompletion({ content: "ok" }));
}
