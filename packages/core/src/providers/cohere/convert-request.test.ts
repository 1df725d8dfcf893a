import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { requestContext, TEST_KEY } from "./__fixtures__/fixtures.ts";
import { cohereChatAdapter } from "./cohere-provider.ts";
import { cohereUrl } from "./cohere-url.ts";
import { convertRequest } from "./convert-request.ts";

const build = (request: Partial<ChatCompletionRequest>, deployment = {}) => {
  const ctx = requestContext(request, deployment);
  return convertRequest(ctx.request, ctx.deployment);
};

describe("Cohere request conversion", () => {
  it("builds POST /v2/chat with Bearer auth and the deployment's model", async () => {
    const ctx = requestContext(
      { stream: true, messages: [{ role: "user", content: "Hello" }] },
      { extraHeaders: { "X-Client-Name": "gateway" } },
    );
    const request = await cohereChatAdapter.buildRequest(ctx);
    expect(request).toMatchObject({
      url: "https://api.cohere.com/v2/chat",
      method: "POST",
      headers: {
        authorization: `Bearer ${TEST_KEY}`,
        "content-type": "application/json",
        accept: "text/event-stream",
        "x-client-name": "gateway",
      },
    });
    expect(JSON.parse(request.body as string)).toEqual({
      model: "command-a-03-2025",
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
  });

  it.each([
    [undefined, "https://api.cohere.com/v2/chat", "https://api.cohere.com/v2/embed"],
    [
      "https://api.cohere.com/",
      "https://api.cohere.com/v2/chat",
      "https://api.cohere.com/v2/embed",
    ],
    [
      "https://proxy.local/cohere/v2",
      "https://proxy.local/cohere/v2/chat",
      "https://proxy.local/cohere/v2/embed",
    ],
    [
      "https://api.cohere.com/v2/chat",
      "https://api.cohere.com/v2/chat",
      "https://api.cohere.com/v2/embed",
    ],
    [
      "https://api.cohere.ai/v1/chat",
      "https://api.cohere.ai/v2/chat",
      "https://api.cohere.ai/v2/embed",
    ],
  ])("resolves api_base %s", (apiBase, chat, embed) => {
    const deployment = requestContext({}, apiBase === undefined ? {} : { apiBase }).deployment;
    expect(cohereUrl(deployment, "chat")).toBe(chat);
    expect(cohereUrl(deployment, "embed")).toBe(embed);
  });

  it("strips LiteLLM's v2/ route prefix from the model and sends no auth without a key", async () => {
    const ctx = requestContext({}, { model: "v2/command-r-plus-08-2024", apiKey: undefined });
    const request = await cohereChatAdapter.buildRequest(ctx);
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body as string).model).toBe("command-r-plus-08-2024");
  });

  it("hoists system and developer messages into one leading system message", () => {
    const body = build({
      messages: [
        { role: "user", content: "first" },
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "second" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief.\n\nAnswer in French." },
      { role: "user", content: "first" },
      { role: "user", content: "second" },
    ]);
  });

  it("round-trips tool calls: assistant text becomes tool_plan, results become documents", () => {
    const body = build({
      messages: [
        { role: "user", content: "Weather in Oslo and Madrid?" },
        {
          role: "assistant",
          content: "I will look up both cities.",
          tool_calls: [
            {
              id: "get_weather_x1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
            { id: "get_time_x2", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "get_weather_x1", content: '{"temperature":"4°C"}' },
        { role: "tool", tool_call_id: "get_time_x2", content: [{ type: "text", text: "12:00" }] },
        { role: "assistant", content: "It is 4°C in Oslo." },
        { role: "assistant", content: "" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Oslo and Madrid?" },
      {
        role: "assistant",
        tool_plan: "I will look up both cities.",
        tool_calls: [
          {
            id: "get_weather_x1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
          { id: "get_time_x2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      {
        role: "tool",
        tool_call_id: "get_weather_x1",
        content: [{ type: "document", document: { data: '{"temperature":"4°C"}' } }],
      },
      {
        role: "tool",
        tool_call_id: "get_time_x2",
        content: [{ type: "document", document: { data: "12:00" } }],
      },
      { role: "assistant", content: "It is 4°C in Oslo." },
    ]);
  });

  it("sends data-URL and http image parts as image_url content", () => {
    const body = build({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            {
              type: "image_url",
              image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
            },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
    });
    expect(body.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Compare" },
        {
          type: "image_url",
          image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
        },
        { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
      ],
    });
  });

  it("refuses audio parts and the deprecated function role with a 400", () => {
    expect(() =>
      build({
        messages: [
          {
            role: "user",
            content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }],
          },
        ],
      }),
    ).toThrow(InvalidRequestError);
    expect(() => build({ messages: [{ role: "function", name: "f", content: "x" }] })).toThrow(
      /function/,
    );
  });

  it("converts tools and tool_choice", () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          description: "Weather",
          parameters: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
          },
        },
      },
      { type: "function" as const, function: { name: "get_time" } },
    ];
    expect(build({ tools })).toMatchObject({
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather",
            parameters: { required: ["city"] },
          },
        },
        {
          type: "function",
          function: { name: "get_time", parameters: { type: "object", properties: {} } },
        },
      ],
    });
    expect(build({ tools }).tool_choice).toBeUndefined();
    expect(build({ tools, tool_choice: "auto" }).tool_choice).toBeUndefined();
    expect(build({ tools, tool_choice: "required" }).tool_choice).toBe("REQUIRED");
    expect(build({ tools, tool_choice: "none" }).tool_choice).toBe("NONE");
    const named = build({
      tools,
      tool_choice: { type: "function", function: { name: "get_time" } },
    });
    expect(named.tool_choice).toBe("REQUIRED");
    expect(named.tools?.map((tool) => tool.function.name)).toEqual(["get_time"]);
    expect(() =>
      build({ tools, tool_choice: { type: "function", function: { name: "nope" } } }),
    ).toThrow(InvalidRequestError);
    const strict = tools.map((tool) => ({ ...tool, function: { ...tool.function, strict: true } }));
    expect(build({ tools: strict }).strict_tools).toBe(true);
    expect(build({ tools }).strict_tools).toBeUndefined();
  });

  it("maps response_format to Cohere's JSON mode", () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string" } },
      required: ["answer"],
    };
    expect(
      build({ response_format: { type: "json_schema", json_schema: { name: "a", schema } } })
        .response_format,
    ).toEqual({
      type: "json_object",
      json_schema: schema,
    });
    expect(build({ response_format: { type: "json_object" } }).response_format).toEqual({
      type: "json_object",
    });
    expect(build({ response_format: { type: "text" } }).response_format).toBeUndefined();
  });

  it("maps sampling params, clamping top_p into Cohere's p range", () => {
    expect(
      build({
        max_tokens: 50,
        max_completion_tokens: 100,
        temperature: 0.3,
        top_p: 1,
        stop: "END",
        seed: 7,
        frequency_penalty: 0.2,
        presence_penalty: 0.1,
        top_k: 40,
      }),
    ).toMatchObject({
      max_tokens: 100,
      temperature: 0.3,
      p: 0.99,
      stop_sequences: ["END"],
      seed: 7,
      frequency_penalty: 0.2,
      presence_penalty: 0.1,
      k: 40,
    });
    expect(build({ stop: ["a", "b"], top_p: 0.5 })).toMatchObject({
      stop_sequences: ["a", "b"],
      p: 0.5,
    });
  });

  it("maps reasoning_effort to thinking, and forwards Cohere-native fields", () => {
    expect(build({ reasoning_effort: "none" }).thinking).toEqual({ type: "disabled" });
    expect(build({ reasoning_effort: "high" }).thinking).toEqual({ type: "enabled" });
    expect(build({}).thinking).toBeUndefined();
    const body = build(
      {
        thinking: { type: "enabled", token_budget: 500 },
        documents: ["doc"],
      } as Partial<ChatCompletionRequest>,
      { params: { safety_mode: "STRICT", rpm: 10 } },
    );
    expect(body).toMatchObject({
      thinking: { type: "enabled", token_budget: 500 },
      documents: ["doc"],
      safety_mode: "STRICT",
    });
    expect(body).not.toHaveProperty("rpm");
  });

  it("refuses n > 1 unless drop_params is set", () => {
    expect(() => build({ n: 2 })).toThrow(InvalidRequestError);
    expect(build({ n: 2 }, { dropParams: true })).not.toHaveProperty("n");
  });
});
