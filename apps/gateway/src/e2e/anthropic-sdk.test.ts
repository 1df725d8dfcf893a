import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FAKE_SIGNATURE,
  json,
  openaiChunks,
  openaiCompletion,
  openaiError,
  sse,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const OPENAI_KEY = "sk-upstream-openai";
const GEMINI_KEY = "AIzaSyFakeKey-0123456789abcdefghijk";
const ANTHROPIC_KEY = "sk-ant-upstream-key";

const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

// The official Anthropic SDK, configured only with baseURL and a key, against /v1/messages of
// the running gateway, with an OpenAI, a Gemini and an Anthropic deployment behind it.
describe("Anthropic SDK against /v1/messages", () => {
  let openai: FakeServer;
  let gemini: FakeServer;
  let claude: FakeServer;
  let gateway: TestGateway;
  let client: Anthropic;

  beforeAll(async () => {
    [openai, gemini, claude] = await Promise.all([
      startFakeOpenAI({ apiKey: OPENAI_KEY }),
      startFakeGemini({ apiKey: GEMINI_KEY }),
      startFakeAnthropic({ apiKey: ANTHROPIC_KEY }),
    ]);
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: OPENAI_KEY,
              api_base: `${openai.url}/v1`,
            },
          },
          {
            model_name: "gpt-limited",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: OPENAI_KEY,
              api_base: `${openai.url}/v1`,
              num_retries: 0,
            },
          },
          {
            model_name: "gemini-flash",
            litellm_params: {
              model: "gemini/gemini-3-flash-preview",
              api_key: GEMINI_KEY,
              api_base: gemini.url,
            },
          },
          {
            model_name: "claude-sonnet",
            litellm_params: {
              model: "anthropic/claude-sonnet-4-5-20250929",
              api_key: ANTHROPIC_KEY,
              api_base: claude.url,
            },
          },
        ],
      },
    });
    client = new Anthropic({ baseURL: gateway.url, apiKey: gateway.masterKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([openai?.close(), gemini?.close(), claude?.close()]);
  });

  describe("over an OpenAI deployment", () => {
    it("answers a text message", async () => {
      const { data: message, response } = await client.messages
        .create({
          model: "gpt-4o",
          max_tokens: 100,
          system: "Be brief.",
          messages: [{ role: "user", content: "hello gateway" }],
        })
        .withResponse();
      // LiteLLM's headers saying what answered, as on /v1/chat/completions.
      expect(response.headers.get("x-litellm-model-group")).toBe("gpt-4o");
      expect(response.headers.get("x-litellm-overhead-duration-ms")).toMatch(/^\d+\.\d{3}$/);
      expect(message).toMatchObject({
        type: "message",
        role: "assistant",
        content: [{ type: "text", text: "echo: hello gateway" }],
        stop_reason: "end_turn",
      });
      expect(message.id).toMatch(/^msg_/);
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      // The upstream got an OpenAI request: system first, no Anthropic-only fields.
      expect(openai.requests.at(-1)?.json).toMatchObject({
        model: "gpt-4o",
        max_tokens: 100,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hello gateway" },
        ],
      });
    });

    it("streams Anthropic events and assembles the final message", async () => {
      const stream = client.messages.stream({
        model: "gpt-4o",
        max_tokens: 100,
        messages: [{ role: "user", content: "stream these words" }],
      });
      const types: string[] = [];
      let text = "";
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "content_block_delta" && event.delta.type === "text_delta")
          text += event.delta.text;
      }
      const final = await stream.finalMessage();
      expect(text).toBe("echo: stream these words");
      expect(types[0]).toBe("message_start");
      expect(types.at(-2)).toBe("message_delta");
      expect(types.at(-1)).toBe("message_stop");
      expect(types.filter((t) => t === "content_block_delta").length).toBeGreaterThan(2);
      expect(final.content).toEqual([{ type: "text", text: "echo: stream these words" }]);
      expect(final.stop_reason).toBe("end_turn");
      expect(final.usage.output_tokens).toBeGreaterThan(0);
      // The gateway asked the upstream for usage, which Anthropic's message_delta carries.
      expect(openai.requests.at(-1)?.json).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it("round-trips a tool call: tool_use, tool_result, final answer", async () => {
      openai.enqueue(
        json(
          openaiCompletion({
            model: "gpt-4o",
            toolCalls: [{ id: "call_abc123", name: "get_weather", arguments: { city: "Paris" } }],
          }),
        ),
        json(openaiCompletion({ model: "gpt-4o", content: "It is sunny in Paris." })),
      );
      const question = { role: "user" as const, content: "What is the weather in Paris?" };
      const first = await client.messages.create({
        model: "gpt-4o",
        max_tokens: 200,
        tools: [weatherTool],
        tool_choice: { type: "auto" },
        messages: [question],
      });
      expect(first.stop_reason).toBe("tool_use");
      const toolUse = first.content.find((block) => block.type === "tool_use");
      expect(toolUse).toEqual({
        type: "tool_use",
        id: "call_abc123",
        name: "get_weather",
        input: { city: "Paris" },
      });
      expect(openai.requests.at(-1)?.json).toMatchObject({
        tools: [
          {
            type: "function",
            function: { name: "get_weather", parameters: weatherTool.input_schema },
          },
        ],
        tool_choice: "auto",
      });

      const second = await client.messages.create({
        model: "gpt-4o",
        max_tokens: 200,
        tools: [weatherTool],
        messages: [
          question,
          { role: "assistant", content: first.content },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "call_abc123", content: "sunny, 24C" }],
          },
        ],
      });
      expect(second.content).toEqual([{ type: "text", text: "It is sunny in Paris." }]);
      expect(second.stop_reason).toBe("end_turn");
      const sent = openai.requests.at(-1)?.json as { messages: unknown[] };
      expect(sent.messages.slice(1)).toEqual([
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_abc123",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_abc123", content: "sunny, 24C" },
      ]);
    });

    it("streams a tool call as a tool_use block with input_json deltas", async () => {
      openai.enqueue(
        sse(
          openaiChunks({
            model: "gpt-4o",
            toolCalls: [
              { id: "call_s1", name: "get_weather", arguments: ['{"ci', 'ty":"Os', 'lo"}'] },
            ],
            includeUsage: true,
          }),
        ),
      );
      const stream = client.messages.stream({
        model: "gpt-4o",
        max_tokens: 100,
        tools: [weatherTool],
        messages: [{ role: "user", content: "Weather in Oslo?" }],
      });
      const final = await stream.finalMessage();
      expect(final.content).toEqual([
        { type: "tool_use", id: "call_s1", name: "get_weather", input: { city: "Oslo" } },
      ]);
      expect(final.stop_reason).toBe("tool_use");
    });

    it("turns a mid-stream upstream failure into an error the client sees", async () => {
      openai.enqueue(
        sse(
          [
            ...openaiChunks({ model: "gpt-4o", content: ["partial "], finishReason: null }).slice(
              0,
              -1,
            ),
            JSON.stringify({ error: { message: "upstream exploded", type: "server_error" } }),
          ],
          { endWith: "close" },
        ),
      );
      const stream = client.messages.stream({
        model: "gpt-4o",
        max_tokens: 100,
        messages: [{ role: "user", content: "break please" }],
      });
      const error = await stream.finalMessage().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: "error",
        error: { type: "api_error", message: expect.stringContaining("upstream exploded") },
      });
    });
  });

  describe("over a Gemini deployment", () => {
    it("round-trips a tool call (Gemini 3 thought signature kept in the tool id)", async () => {
      const question = {
        role: "user" as const,
        content: "Use get_weather for Rome",
      };
      const first = await client.messages.create({
        model: "gemini-flash",
        max_tokens: 200,
        tools: [weatherTool],
        messages: [question],
      });
      expect(first.stop_reason).toBe("tool_use");
      const toolUse = first.content.find((block) => block.type === "tool_use");
      if (toolUse?.type !== "tool_use") throw new Error("expected a tool_use block");
      expect(toolUse.name).toBe("get_weather");
      expect(toolUse.input).toEqual({ city: expect.any(String) });

      const second = await client.messages.create({
        model: "gemini-flash",
        max_tokens: 200,
        tools: [weatherTool],
        messages: [
          question,
          { role: "assistant", content: first.content },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "rainy, 12C" }],
          },
        ],
      });
      expect(second.stop_reason).toBe("end_turn");
      const text = second.content.find((block) => block.type === "text");
      expect(text?.type === "text" && text.text).toContain("rainy, 12C");
      // Gemini got the call back with its signature and the result as a functionResponse.
      const contents = (gemini.requests.at(-1)?.json as { contents: unknown[] }).contents;
      expect(contents[1]).toMatchObject({
        role: "model",
        parts: [{ functionCall: { name: "get_weather" }, thoughtSignature: expect.any(String) }],
      });
      expect(contents[2]).toMatchObject({
        role: "user",
        parts: [{ functionResponse: { name: "get_weather" } }],
      });
    });

    it("streams text", async () => {
      const stream = client.messages.stream({
        model: "gemini-flash",
        max_tokens: 100,
        messages: [{ role: "user", content: "héllo 🌍 from gemini" }],
      });
      const final = await stream.finalMessage();
      expect(final.content).toEqual([{ type: "text", text: "echo: héllo 🌍 from gemini" }]);
      expect(final.stop_reason).toBe("end_turn");
    });
  });

  describe("over an Anthropic deployment", () => {
    it("passes system, tools, cache_control and thinking through faithfully", async () => {
      const system: Anthropic.TextBlockParam[] = [
        { type: "text", text: "You are a weather bot." },
        { type: "text", text: "A long shared context.", cache_control: { type: "ephemeral" } },
      ];
      const tools: Anthropic.Tool[] = [{ ...weatherTool, cache_control: { type: "ephemeral" } }];
      const thinking = { type: "enabled" as const, budget_tokens: 2048 };
      const question: Anthropic.MessageParam = {
        role: "user",
        content: [
          { type: "text", text: "Background doc", cache_control: { type: "ephemeral" } },
          { type: "text", text: "Call get_weather for Lima" },
        ],
      };
      const first = await client.messages.create({
        model: "claude-sonnet",
        max_tokens: 4096,
        system,
        tools,
        tool_choice: { type: "auto" },
        thinking,
        stop_sequences: ["END"],
        metadata: { user_id: "user-42" },
        messages: [question],
      });
      // Exactly the client's body, with the deployment's model name.
      expect(claude.requests.at(-1)?.json).toEqual({
        model: "claude-sonnet-4-5-20250929",
        max_tokens: 4096,
        system,
        tools,
        tool_choice: { type: "auto" },
        thinking,
        stop_sequences: ["END"],
        metadata: { user_id: "user-42" },
        messages: [question],
      });
      expect(claude.requests.at(-1)?.headers["x-api-key"]).toBe(ANTHROPIC_KEY);

      // The answer keeps the signed thinking block before the tool use.
      expect(first.stop_reason).toBe("tool_use");
      expect(first.content[0]).toMatchObject({ type: "thinking", signature: FAKE_SIGNATURE });
      const toolUse = first.content.find((block) => block.type === "tool_use");
      if (toolUse?.type !== "tool_use") throw new Error("expected a tool_use block");

      // Sent back in a tool loop, the signed thinking block reaches Anthropic unchanged.
      const assistant: Anthropic.MessageParam = { role: "assistant", content: first.content };
      const result: Anthropic.MessageParam = {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: toolUse.id, content: "foggy", is_error: false },
        ],
      };
      const second = await client.messages.create({
        model: "claude-sonnet",
        max_tokens: 4096,
        system,
        tools,
        thinking,
        messages: [question, assistant, result],
      });
      const resent = claude.requests.at(-1)?.json as { messages: unknown[] };
      expect(resent.messages[1]).toEqual({
        role: "assistant",
        content: first.content.map((block) =>
          block.type === "tool_use"
            ? { type: "tool_use", id: block.id, name: block.name, input: block.input }
            : block,
        ),
      });
      expect(resent.messages[2]).toMatchObject({
        role: "user",
        content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "foggy" }],
      });
      expect(second.content.at(-1)).toMatchObject({ type: "text", text: "tool results: foggy" });
    });

    it("streams thinking with its signature, then text", async () => {
      const stream = client.messages.stream({
        model: "claude-sonnet",
        max_tokens: 4096,
        thinking: { type: "enabled", budget_tokens: 1024 },
        messages: [{ role: "user", content: "think then answer" }],
      });
      const final = await stream.finalMessage();
      expect(final.content[0]).toMatchObject({ type: "thinking", signature: FAKE_SIGNATURE });
      expect(final.content[1]).toMatchObject({ type: "text", text: "echo: think then answer" });
      expect(final.stop_reason).toBe("end_turn");
    });
  });

  describe("count_tokens", () => {
    it("counts the input tokens of a Messages body", async () => {
      const small = await client.messages.countTokens({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hello" }],
      });
      const large = await client.messages.countTokens({
        model: "claude-sonnet",
        system: "You are a weather bot.",
        tools: [weatherTool],
        messages: [{ role: "user", content: "hello ".repeat(50) }],
      });
      expect(small.input_tokens).toBeGreaterThan(0);
      expect(large.input_tokens).toBeGreaterThan(small.input_tokens + 40);
      // The routes answer without `/v1` too, as LiteLLM's do.
      const bare = await fetch(`${gateway.url}/messages/count_tokens`, {
        method: "POST",
        headers: { "x-api-key": gateway.masterKey, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }),
      });
      expect(await bare.json()).toEqual({ input_tokens: small.input_tokens });
      // Counted locally: nothing went upstream.
      expect(claude.callCount("/v1/messages/count_tokens")).toBe(0);
    });
  });

  describe("errors", () => {
    it("answers an unknown model with 400 in Anthropic's error envelope", async () => {
      const error = await client.messages
        .create({
          model: "no-such-model",
          max_tokens: 10,
          messages: [{ role: "user", content: "hi" }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
      expect(apiError.status).toBe(400);
      expect(apiError.error).toEqual({
        type: "error",
        error: { type: "invalid_request_error", message: expect.stringContaining("no-such-model") },
      });
    });

    it("answers an invalid body with 400 naming the field", async () => {
      const error = await client.messages
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] } as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: "error",
        error: { type: "invalid_request_error", message: expect.stringContaining("max_tokens") },
      });
    });

    it("maps an upstream rate limit to 429 rate_limit_error", async () => {
      // Its own group, without retries: the 429 reaches the client at once.
      openai.enqueue(openaiError(429, { message: "Rate limit reached", type: "requests" }));
      const error = await client.messages
        .create({
          model: "gpt-limited",
          max_tokens: 10,
          messages: [{ role: "user", content: "hi" }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: "error",
        error: { type: "rate_limit_error" },
      });
    });

    it("rejects a bad key with 401", async () => {
      const stranger = new Anthropic({
        baseURL: gateway.url,
        apiKey: "sk-wrong",
        maxRetries: 0,
      });
      const error = await stranger.messages
        .create({ model: "gpt-4o", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(401);
    });
  });
});
