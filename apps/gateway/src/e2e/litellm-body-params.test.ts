import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openaiError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// LiteLLM's proxy parameters in the body of /v1/messages and /v1/responses (and /v1/completions),
// sent with the official SDKs as LiteLLM clients send them: `fallbacks`, `num_retries`,
// `mock_response`, `metadata.tags`. They work on /v1/chat/completions; the Messages translation
// used to drop every field it did not know, so on /v1/messages they were silently ignored.
// Bad values are a 400 in each route's own envelope, never a 500 and never ignored.

const OPENAI_KEY = "sk-upstream-openai";
const FALLBACK_TEXT = "answered by the fallback group";

// LiteLLM client parameters the SDKs do not type: sent as extra body fields, as `extra_body`
// does in Python. The SDKs put unknown body fields on the wire unchanged.
type WithLiteLLM<T> = T & Record<string, unknown>;

describe("LiteLLM body parameters on /v1/messages, /v1/responses and /v1/completions", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let anthropic: Anthropic;
  let openai: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: OPENAI_KEY });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            // Fails every call (the fake answers 500 below): retried, then falls back if asked.
            model_name: "flaky",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: OPENAI_KEY,
              api_base: `${upstream.url}/v1`,
            },
          },
          {
            model_name: "other-group",
            litellm_params: { model: "mock/other", mock_response: FALLBACK_TEXT },
          },
        ],
        // Two retries by default, so `num_retries: 0` is observable; no cooldowns, so every test
        // reaches the upstream whatever the one before it did.
        router_settings: { num_retries: 2, retry_after: 0, disable_cooldowns: true },
      },
    });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: gateway.masterKey, maxRetries: 0 });
    openai = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  }, 60_000);

  beforeEach(() => {
    upstream.reset();
    // A 1 ms retry-after-ms: the retries go at once instead of after the router's backoff.
    upstream.setDefault(
      openaiError(500, { message: "upstream is down", headers: { "retry-after-ms": "1" } }),
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const upstreamCalls = () => upstream.callCount("/v1/chat/completions");

  type SpendLog = { request_tags: string[]; end_user: string | null; model_group: string };
  const spendLogsTagged = async (tag: string) => {
    await gateway.gateway.budgets.flushSpendNow();
    const logs = await manage<SpendLog[]>(gateway, gateway.masterKey, "/spend/logs");
    return logs.filter((log) => log.request_tags.includes(tag));
  };

  const message = (text: string): Anthropic.MessageCreateParamsNonStreaming => ({
    model: "flaky",
    max_tokens: 32,
    messages: [{ role: "user", content: text }],
  });

  describe("/v1/messages with the Anthropic SDK", () => {
    it("fallbacks: a failing group is answered by the fallback named in the body", async () => {
      const body: WithLiteLLM<Anthropic.MessageCreateParamsNonStreaming> = {
        ...message("fall back please"),
        fallbacks: ["other-group"],
      };
      const { data, response } = await anthropic.messages.create(body).withResponse();

      expect(data.content).toMatchObject([{ type: "text", text: FALLBACK_TEXT }]);
      expect(response.headers.get("x-litellm-model-group")).toBe("other-group");
      expect(response.headers.get("x-litellm-attempted-fallbacks")).toBe("1");
      // The first group was tried (with its retries) before falling back.
      expect(upstreamCalls()).toBe(3);
      // The fallback list steers the gateway; it is never sent upstream.
      expect(upstream.requests[0]?.json).not.toHaveProperty("fallbacks");
    });

    it("fallbacks hold for a stream too", async () => {
      const body: WithLiteLLM<Anthropic.MessageCreateParamsStreaming> = {
        ...message("stream the fallback"),
        stream: true,
        fallbacks: ["other-group"],
      };
      const stream = anthropic.messages.stream(body);
      const final = await stream.finalMessage();
      expect(final.content).toMatchObject([{ type: "text", text: FALLBACK_TEXT }]);
    });

    it("without fallbacks the same request fails in Anthropic's envelope", async () => {
      const error = await anthropic.messages.create(message("no fallback")).catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect(error.status).toBe(500);
      expect(error.error).toMatchObject({ type: "error", error: { type: "api_error" } });
    });

    it("mock_response answers without calling the upstream", async () => {
      const body: WithLiteLLM<Anthropic.MessageCreateParamsNonStreaming> = {
        ...message("mock me"),
        mock_response: "mocked answer",
      };
      const data = await anthropic.messages.create(body);
      expect(data.content).toMatchObject([{ type: "text", text: "mocked answer" }]);
      expect(upstreamCalls()).toBe(0);
    });

    it("num_retries: 0 stops the retries (the group's default is 2)", async () => {
      const body: WithLiteLLM<Anthropic.MessageCreateParamsNonStreaming> = {
        ...message("do not retry"),
        num_retries: 0,
      };
      const error = await anthropic.messages.create(body).catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect(upstreamCalls()).toBe(1);
    });

    it("LiteLLM's metadata.tags reach the spend log, and Anthropic's metadata.user_id is still the end user", async () => {
      const body: WithLiteLLM<Anthropic.MessageCreateParamsNonStreaming> = {
        ...message("tag me"),
        mock_response: "tagged",
        metadata: { user_id: "end-user-7", tags: ["messages-tag"] } as Anthropic.Metadata,
      };
      await anthropic.messages.create(body);
      const logs = await spendLogsTagged("messages-tag");
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ end_user: "end-user-7", model_group: "flaky" });
    });

    it("metadata.user_id is never overridden by a body `user`, which only stands in without it", async () => {
      const both: WithLiteLLM<Anthropic.MessageCreateParamsNonStreaming> = {
        ...message("two users"),
        mock_response: "ok",
        user: "body-user",
        metadata: { user_id: "anthropic-user", tags: ["two-users"] } as Anthropic.Metadata,
      };
      await anthropic.messages.create(both);
      const onlyBody: WithLiteLLM<Anthropic.MessageCreateParamsNonStreaming> = {
        ...message("body user"),
        mock_response: "ok",
        user: "body-user",
        metadata: { tags: ["body-user-only"] } as Anthropic.Metadata,
      };
      await anthropic.messages.create(onlyBody);
      expect((await spendLogsTagged("two-users"))[0]?.end_user).toBe("anthropic-user");
      expect((await spendLogsTagged("body-user-only"))[0]?.end_user).toBe("body-user");
    });

    it.each([
      ["fallbacks", 3],
      ["fallbacks", [7]],
      ["num_retries", -1],
      ["num_retries", 1.5],
      ["num_retries", "2"],
      ["timeout", 0],
      ["disable_fallbacks", "yes"],
      ["metadata", { tags: "not-a-list" }],
      ["extra_body", { max_tokens: 100_000 }],
    ])(
      "%s: %j is a 400 in Anthropic's envelope, before any upstream call",
      async (field, value) => {
        const body = { ...message("bad value"), [field]: value };
        const error = await anthropic.messages.create(body).catch((e) => e);
        expect(error).toBeInstanceOf(Anthropic.BadRequestError);
        expect(error.error).toMatchObject({
          type: "error",
          error: { type: "invalid_request_error", message: expect.stringContaining(field) },
        });
        expect(upstreamCalls()).toBe(0);
      },
    );
  });

  describe("/v1/responses with the OpenAI SDK", () => {
    const input = (text: string) => ({ model: "flaky", input: text });

    it("fallbacks: a failing group is answered by the fallback named in the body", async () => {
      const body: WithLiteLLM<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {
        ...input("fall back please"),
        fallbacks: ["other-group"],
      };
      const { data, response } = await openai.responses.create(body).withResponse();
      expect(data.output_text).toBe(FALLBACK_TEXT);
      expect(response.headers.get("x-litellm-model-group")).toBe("other-group");
    });

    it("mock_response answers without calling the upstream; num_retries: 0 stops the retries", async () => {
      const mocked: WithLiteLLM<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {
        ...input("mock me"),
        mock_response: "mocked answer",
      };
      expect((await openai.responses.create(mocked)).output_text).toBe("mocked answer");
      expect(upstreamCalls()).toBe(0);

      const once: WithLiteLLM<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {
        ...input("do not retry"),
        num_retries: 0,
      };
      expect(await openai.responses.create(once).catch((e) => e)).toBeInstanceOf(OpenAI.APIError);
      expect(upstreamCalls()).toBe(1);
    });

    it("LiteLLM's metadata.tags (not strings, as OpenAI's metadata would be) reach the spend log", async () => {
      const body = {
        ...input("tag me"),
        mock_response: "tagged",
        user: "responses-user",
        metadata: { tags: ["responses-tag"] },
      } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming;
      await openai.responses.create(body);
      const logs = await spendLogsTagged("responses-tag");
      expect(logs).toHaveLength(1);
      expect(logs[0]?.end_user).toBe("responses-user");
    });

    it.each([
      ["fallbacks", 3],
      ["num_retries", -1],
      ["metadata", { tags: [1] }],
    ])("%s: %j is a 400 in OpenAI's envelope", async (field, value) => {
      const body = { ...input("bad value"), [field]: value };
      const error = await openai.responses
        .create(body as OpenAI.Responses.ResponseCreateParamsNonStreaming)
        .catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.error).toMatchObject({
        type: "invalid_request_error",
        message: expect.stringContaining(field),
      });
      expect(upstreamCalls()).toBe(0);
    });
  });

  describe("/v1/completions and /v1/chat/completions hold the same rules", () => {
    it("completions: fallbacks are taken and a bad num_retries is a 400", async () => {
      const ok = await openai.completions.create({
        model: "flaky",
        prompt: "fall back",
        fallbacks: ["other-group"],
      } as OpenAI.CompletionCreateParamsNonStreaming);
      expect(ok.choices[0]?.text).toBe(FALLBACK_TEXT);

      const error = await openai.completions
        .create({
          model: "flaky",
          prompt: "bad",
          num_retries: -1,
        } as OpenAI.CompletionCreateParamsNonStreaming)
        .catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    });

    it("chat: `fallbacks: 3` is a 400, not silently ignored", async () => {
      const error = await openai.chat.completions
        .create({
          model: "flaky",
          messages: [{ role: "user", content: "bad" }],
          fallbacks: 3,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(upstreamCalls()).toBe(0);
    });
  });
});
