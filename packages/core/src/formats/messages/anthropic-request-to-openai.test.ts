import { describe, expect, it } from "vitest";
import { ChatCompletionRequestSchema } from "../../openai/chat-request.ts";
import { deployment, readFixture } from "../../providers/anthropic/__fixtures__/fixtures.ts";
import { anthropicRequestToOpenAI } from "./anthropic-request-to-openai.ts";
import { convertRequest } from "../../providers/anthropic/convert-request.ts";
import {
  AnthropicMessagesRequestSchema,
  type AnthropicMessagesRequest,
} from "../../providers/anthropic/wire-schemas.ts";

function fixtureRequest(): AnthropicMessagesRequest {
  return AnthropicMessagesRequestSchema.parse(JSON.parse(readFixture("messages-request.json")));
}

describe("AnthropicMessagesRequestSchema", () => {
  it("accepts a real-world request, server tools and unknown block types included", () => {
    const body = JSON.parse(readFixture("messages-request.json"));
    body.messages[0].content.push({ type: "search_result", source: "s", title: "t", content: [] });
    expect(AnthropicMessagesRequestSchema.safeParse(body).success).toBe(true);
  });

  it("rejects what Anthropic would reject: no max_tokens, an unknown role, a malformed text block", () => {
    const body = () => JSON.parse(readFixture("messages-request.json"));
    const noMax = body();
    delete noMax.max_tokens;
    expect(AnthropicMessagesRequestSchema.safeParse(noMax).success).toBe(false);
    const badRole = body();
    badRole.messages.push({ role: "tool", content: "x" });
    expect(AnthropicMessagesRequestSchema.safeParse(badRole).success).toBe(false);
    const badText = body();
    badText.messages[0].content.push({ type: "text" });
    expect(AnthropicMessagesRequestSchema.safeParse(badText).success).toBe(false);
  });
});

describe("anthropicRequestToOpenAI", () => {
  it("converts system, images, tool_use, tool_result, tools and params to a portable OpenAI request", () => {
    const request = anthropicRequestToOpenAI(fixtureRequest());
    expect(ChatCompletionRequestSchema.safeParse(request).success).toBe(true);
    expect(request).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 8192,
      messages: [
        {
          role: "system",
          content: [
            { type: "text", text: "You are a coding assistant." },
            { type: "text", text: "Project context: ..." },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image, and what's the weather in Oslo?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
        {
          role: "assistant",
          content: "A cat. Checking Oslo.",
          tool_calls: [
            {
              id: "toolu_01A",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "toolu_01A", content: "4°C, rain" },
        { role: "user", content: "Thanks. Is that cold?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather",
            parameters: {
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            },
          },
        },
      ],
      tool_choice: "auto",
      parallel_tool_calls: false,
      stop: ["\n\nHuman:"],
      temperature: 1,
      user: "user-123",
      reasoning_effort: "medium",
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("keeps Anthropic-only fields when asked, so an Anthropic upstream gets them back", () => {
    const request = anthropicRequestToOpenAI(fixtureRequest(), { preserveAnthropicFields: true });
    expect(request.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(request.messages[0]).toMatchObject({
      content: [{ text: "You are a coding assistant." }, { cache_control: { type: "ephemeral" } }],
    });
    expect(request.messages[2]).toMatchObject({
      thinking_blocks: [
        { type: "thinking", thinking: "Need the weather tool.", signature: "sig-abc" },
      ],
    });

    // Through this gateway's own Anthropic adapter, the conversation comes back intact.
    const { body } = convertRequest(request, deployment({ model: "claude-sonnet-4-5" }));
    const original = fixtureRequest();
    expect(body.system).toEqual(original.system);
    expect(body.thinking).toEqual(original.thinking);
    expect(body.stop_sequences).toEqual(original.stop_sequences);
    expect(body.metadata).toEqual(original.metadata);
    expect(body.max_tokens).toBe(8192);
    expect(body.tool_choice).toEqual(original.tool_choice);
    expect(body.messages).toEqual(original.messages);
  });

  it("maps tool_choice, adaptive effort and output_config.format", () => {
    const base = fixtureRequest();
    const any = anthropicRequestToOpenAI({ ...base, tool_choice: { type: "any" } });
    expect(any.tool_choice).toBe("required");
    expect(any.parallel_tool_calls).toBeUndefined();
    expect(
      anthropicRequestToOpenAI({ ...base, tool_choice: { type: "tool", name: "get_weather" } })
        .tool_choice,
    ).toEqual({ type: "function", function: { name: "get_weather" } });
    expect(
      anthropicRequestToOpenAI({
        ...base,
        thinking: { type: "adaptive" },
        output_config: { effort: "max" },
      }).reasoning_effort,
    ).toBe("xhigh");
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const structured = anthropicRequestToOpenAI({
      ...base,
      thinking: undefined,
      output_config: { format: { type: "json_schema", schema } },
    });
    expect(structured.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema, strict: true },
    });
    expect(structured.reasoning_effort).toBeUndefined();
  });

  it("keeps a mid-conversation system message in place", () => {
    const request = anthropicRequestToOpenAI({
      model: "m",
      max_tokens: 10,
      messages: [
        { role: "user", content: "a" },
        { role: "system", content: "From now on, answer in French." },
        { role: "user", content: "b" },
      ],
    });
    expect(request.messages.map((message) => message.role)).toEqual(["user", "system", "user"]);
  });

  it("moves images returned by a tool into the following user content", () => {
    const request = anthropicRequestToOpenAI({
      model: "m",
      max_tokens: 10,
      messages: [
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_1",
              content: [
                { type: "text", text: "screenshot:" },
                { type: "image", source: { type: "url", url: "https://example.com/s.png" } },
              ],
              is_error: false,
            },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: "tool", tool_call_id: "toolu_1", content: "screenshot:" },
      {
        role: "user",
        content: [{ type: "image_url", image_url: { url: "https://example.com/s.png" } }],
      },
    ]);
  });
});

describe("anthropicRequestToOpenAI with LiteLLM's body parameters", () => {
  const base = (extra: Record<string, unknown>) =>
    AnthropicMessagesRequestSchema.parse({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
      ...extra,
    });

  it("carries LiteLLM's parameters and drops other unknown fields", () => {
    const chat = anthropicRequestToOpenAI(
      base({
        fallbacks: ["b"],
        num_retries: 0,
        mock_response: "x",
        cache: { "no-store": true },
        caching: false,
        disable_fallbacks: true,
        not_a_litellm_param: 1,
      }),
    );
    expect(chat).toMatchObject({
      fallbacks: ["b"],
      num_retries: 0,
      mock_response: "x",
      cache: { "no-store": true },
      caching: false,
      disable_fallbacks: true,
    });
    expect(chat).not.toHaveProperty("not_a_litellm_param");
  });

  it("metadata.user_id is the user; LiteLLM's other metadata keys stay metadata", () => {
    const chat = anthropicRequestToOpenAI(
      base({ metadata: { user_id: "u1", tags: ["t"], trace_name: "n" }, user: "body-user" }),
    );
    expect(chat.user).toBe("u1");
    expect(chat.metadata).toEqual({ tags: ["t"], trace_name: "n" });
  });

  it("a body user stands in without metadata.user_id, and Anthropic-only metadata adds none", () => {
    const chat = anthropicRequestToOpenAI(base({ metadata: { user_id: "" }, user: "body-user" }));
    expect(chat.user).toBe("body-user");
    expect(chat).not.toHaveProperty("metadata");
  });

  it("the Anthropic adapter sends back only metadata.user_id, never LiteLLM's keys", () => {
    const chat = anthropicRequestToOpenAI(base({ metadata: { user_id: "u1", tags: ["t"] } }), {
      preserveAnthropicFields: true,
    });
    const { body } = convertRequest(chat, deployment({ model: "claude-sonnet-4-5" }));
    expect(body.metadata).toEqual({ user_id: "u1" });
    expect(body).not.toHaveProperty("fallbacks");
  });
});
