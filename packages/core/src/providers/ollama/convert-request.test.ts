import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { requestContext } from "./__fixtures__/fixtures.ts";
import { convertRequest } from "./convert-request.ts";
import { ollamaChatAdapter, ollamaProvider } from "./ollama-provider.ts";
import { ollamaUrl } from "./ollama-url.ts";

const build = (request: Partial<ChatCompletionRequest>, deployment = {}) => {
  const ctx = requestContext(request, deployment);
  return convertRequest(ctx.request, ctx.deployment);
};

describe("Ollama request conversion", () => {
  it("builds POST /api/chat with an explicit stream flag and no auth by default", async () => {
    const request = await ollamaChatAdapter.buildRequest(
      requestContext({ messages: [{ role: "user", content: "Hello" }] }),
    );
    expect(request).toMatchObject({ url: "http://localhost:11434/api/chat", method: "POST" });
    expect(request.headers).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(request.body as string)).toEqual({
      model: "llama3.2",
      messages: [{ role: "user", content: "Hello" }],
      stream: false,
    });
    expect(build({ stream: true }).stream).toBe(true);
  });

  it("sends a Bearer key when one is configured (ollama.com, proxies)", async () => {
    const request = await ollamaChatAdapter.buildRequest(
      requestContext({}, { apiKey: "ollama-key-123", extraHeaders: { "X-Team": "a" } }),
    );
    expect(request.headers).toMatchObject({
      authorization: "Bearer ollama-key-123",
      "x-team": "a",
    });
  });

  it.each([
    [undefined, "http://localhost:11434/api/chat", "http://localhost:11434/api/embed"],
    ["http://gpu-box:11434/", "http://gpu-box:11434/api/chat", "http://gpu-box:11434/api/embed"],
    [
      "http://gpu-box:11434/api/generate",
      "http://gpu-box:11434/api/chat",
      "http://gpu-box:11434/api/embed",
    ],
    [
      "http://gpu-box:11434/api/chat",
      "http://gpu-box:11434/api/chat",
      "http://gpu-box:11434/api/embed",
    ],
    [
      "https://proxy.local/ollama/v1",
      "https://proxy.local/ollama/api/chat",
      "https://proxy.local/ollama/api/embed",
    ],
  ])("resolves api_base %s", (apiBase, chat, embed) => {
    const deployment = requestContext({}, apiBase === undefined ? {} : { apiBase }).deployment;
    expect(ollamaUrl(deployment, "chat")).toBe(chat);
    expect(ollamaUrl(deployment, "embed")).toBe(embed);
  });

  it("serves ollama/ and ollama_chat/ with the same /api/chat adapter", () => {
    expect(ollamaProvider.id).toBe("ollama");
    expect(ollamaProvider.chat).toBe(ollamaChatAdapter);
  });

  it("keeps system messages in place and sends data-URL images as raw base64", () => {
    const body = build({
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in " },
            { type: "text", text: "this image?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
        { role: "developer", content: "Answer in French." },
      ],
    });
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "What is in this image?", images: ["iVBORw0KGgo="] },
      { role: "system", content: "Answer in French." },
    ]);
  });

  it("refuses http image URLs and audio with a clear 400", () => {
    const image = () =>
      build({
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "https://example.com/cat.jpg" } }],
          },
        ],
      });
    expect(image).toThrow(InvalidRequestError);
    expect(image).toThrow(/base64 data URLs/);
    expect(() =>
      build({
        messages: [
          {
            role: "user",
            content: [{ type: "input_audio", input_audio: { data: "AA", format: "wav" } }],
          },
        ],
      }),
    ).toThrow(InvalidRequestError);
  });

  it("round-trips tool calls: object arguments, tool_name and tool_call_id on results", () => {
    const body = build({
      messages: [
        { role: "user", content: "Weather in Oslo?" },
        {
          role: "assistant",
          content: null,
          reasoning_content: "Need the weather tool.",
          tool_calls: [
            {
              id: "call_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: "4°C" },
        { role: "tool", tool_call_id: "call_b", content: [{ type: "text", text: "12:00" }] },
      ],
    });
    expect(body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "",
        thinking: "Need the weather tool.",
        tool_calls: [
          { id: "call_a", function: { name: "get_weather", arguments: { city: "Oslo" } } },
          { id: "call_b", function: { name: "get_time", arguments: {} } },
        ],
      },
      { role: "tool", content: "4°C", tool_name: "get_weather", tool_call_id: "call_a" },
      { role: "tool", content: "12:00", tool_name: "get_time", tool_call_id: "call_b" },
    ]);
  });

  it("sends tools, dropping them for tool_choice none and narrowing them for a named choice", () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
      { type: "function" as const, function: { name: "get_time", description: "Time" } },
    ];
    expect(build({ tools }).tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
      {
        type: "function",
        function: {
          name: "get_time",
          description: "Time",
          parameters: { type: "object", properties: {} },
        },
      },
    ]);
    expect(build({ tools, tool_choice: "none" }).tools).toBeUndefined();
    expect(build({ tools, tool_choice: "required" }).tools).toHaveLength(2);
    expect(
      build({
        tools,
        tool_choice: { type: "function", function: { name: "get_time" } },
      }).tools?.map((t) => t.function.name),
    ).toEqual(["get_time"]);
  });

  it("maps response_format to format", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } } };
    expect(
      build({ response_format: { type: "json_schema", json_schema: { name: "a", schema } } })
        .format,
    ).toEqual(schema);
    expect(build({ response_format: { type: "json_object" } }).format).toBe("json");
    expect(build({ response_format: { type: "text" } }).format).toBeUndefined();
  });

  it("maps reasoning_effort to think: levels for gpt-oss, booleans for the rest", () => {
    expect(build({ reasoning_effort: "high" }).think).toBe(true);
    expect(build({ reasoning_effort: "none" }).think).toBe(false);
    expect(build({ reasoning_effort: "minimal" }, { model: "gpt-oss:20b" }).think).toBe("low");
    expect(build({ reasoning_effort: "medium" }, { model: "gpt-oss:120b" }).think).toBe("medium");
    expect(build({}).think).toBeUndefined();
    expect(
      build({ reasoning_effort: "low", think: "high" } as Partial<ChatCompletionRequest>).think,
    ).toBe("high");
  });

  it("maps sampling params into options, with native options and keep_alive passed through", () => {
    const body = build(
      {
        temperature: 0.2,
        top_p: 0.9,
        seed: 42,
        max_tokens: 10,
        max_completion_tokens: 64,
        stop: "END",
        frequency_penalty: 0.5,
        presence_penalty: 0.25,
        top_k: 20,
        options: { num_ctx: 8192 },
      } as Partial<ChatCompletionRequest>,
      { params: { num_ctx: 4096, repeat_penalty: 1.1, keep_alive: "10m", rpm: 5 } },
    );
    expect(body.options).toEqual({
      temperature: 0.2,
      top_p: 0.9,
      seed: 42,
      num_predict: 64,
      stop: ["END"],
      frequency_penalty: 0.5,
      presence_penalty: 0.25,
      num_ctx: 8192,
      repeat_penalty: 1.1,
      top_k: 20,
    });
    expect(body.keep_alive).toBe("10m");
    expect(body).not.toHaveProperty("rpm");
    expect(build({}).options).toBeUndefined();
  });

  it("refuses n > 1 unless drop_params is set", () => {
    expect(() => build({ n: 3 })).toThrow(InvalidRequestError);
    expect(() => build({ n: 3 }, { dropParams: true })).not.toThrow();
  });
});
