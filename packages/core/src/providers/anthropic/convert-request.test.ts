import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { deployment } from "./__fixtures__/fixtures.ts";
import { convertRequest } from "./convert-request.ts";

function convert(request: Partial<ChatCompletionRequest>, overrides = {}) {
  return convertRequest(
    {
      model: "claude",
      messages: [{ role: "user", content: "Hi" }],
      ...request,
    } as ChatCompletionRequest,
    deployment(overrides),
  );
}

describe("convertRequest: messages", () => {
  it("hoists system and developer messages, wherever they are, into `system` in order", () => {
    const { body } = convert({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Hi" },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "assistant", content: "Salut" },
        { role: "user", content: "Again" },
      ],
    });
    expect(body.system).toEqual([
      { type: "text", text: "Be terse." },
      { type: "text", text: "Answer in French." },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      { role: "assistant", content: [{ type: "text", text: "Salut" }] },
      { role: "user", content: [{ type: "text", text: "Again" }] },
    ]);
  });

  it("sends a single plain system prompt as a string, and keeps cache_control", () => {
    expect(
      convert({
        messages: [
          { role: "system", content: "S" },
          { role: "user", content: "u" },
        ],
      }).body.system,
    ).toBe("S");
    const cached = convert({
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "Long context", cache_control: { type: "ephemeral" } }],
        },
        { role: "user", content: "u" },
      ],
    });
    expect(cached.body.system).toEqual([
      { type: "text", text: "Long context", cache_control: { type: "ephemeral" } },
    ]);
  });

  it("merges consecutive same-role messages (Anthropic requires alternation)", () => {
    const { body } = convert({
      messages: [
        { role: "user", content: "one" },
        { role: "user", content: "two" },
        { role: "assistant", content: "a" },
        { role: "assistant", content: "b" },
        { role: "user", content: "three" },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "three" }] },
    ]);
  });

  it("puts a user turn first when the history starts with the assistant", () => {
    const { body } = convert({
      messages: [
        { role: "system", content: "S" },
        { role: "assistant", content: "Welcome!" },
        { role: "user", content: "Hi" },
      ],
    });
    expect(body.messages[0]).toEqual({ role: "user", content: [{ type: "text", text: "." }] });
    expect(body.messages[1]?.role).toBe("assistant");
  });

  it("never sends empty text blocks and trims a trailing-whitespace assistant prefill", () => {
    const { body } = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "" },
            { type: "text", text: "Q" },
          ],
        },
        { role: "assistant", content: "The answer is " },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Q" }] },
      { role: "assistant", content: [{ type: "text", text: "The answer is" }] },
    ]);
  });
});

describe("convertRequest: tool round trip", () => {
  const history: ChatCompletionRequest["messages"] = [
    { role: "user", content: "Weather in Bergen and Oslo?" },
    {
      role: "assistant",
      content: "",
      tool_calls: [
        {
          id: "call_abc",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
        },
        { id: "call.def:2", type: "function", function: { name: "get_weather", arguments: "" } },
      ],
    },
    { role: "tool", tool_call_id: "call_abc", content: "4°C, rain" },
    { role: "tool", tool_call_id: "call.def:2", content: [{ type: "text", text: "6°C" }] },
    { role: "user", content: "And tomorrow?" },
  ];

  it("turns tool_calls into tool_use and tool messages into one user turn, results first", () => {
    const { body } = convert({ messages: history });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Bergen and Oslo?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_abc", name: "get_weather", input: { city: "Bergen" } },
          // Ids outside [a-zA-Z0-9_-] are sanitized; empty arguments become {}.
          { type: "tool_use", id: "call_def_2", name: "get_weather", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_abc", content: "4°C, rain" },
          {
            type: "tool_result",
            tool_use_id: "call_def_2",
            content: [{ type: "text", text: "6°C" }],
          },
          { type: "text", text: "And tomorrow?" },
        ],
      },
    ]);
  });

  it("keeps tool_result blocks first even when user text came before them", () => {
    const { body } = convert({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "f", arguments: "{}" } },
          ],
        },
        { role: "user", content: "note" },
        { role: "tool", tool_call_id: "call_1", content: "done", is_error: true },
      ] as ChatCompletionRequest["messages"],
    });
    expect(body.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "call_1", content: "done", is_error: true },
        { type: "text", text: "note" },
      ],
    });
  });

  it("echoes signed thinking blocks before tool_use, and drops unsigned ones", () => {
    const { body } = convert({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: null,
          thinking_blocks: [
            { type: "thinking", thinking: "plan", signature: "sig-1" },
            { type: "thinking", thinking: "unsigned", signature: "" },
            { type: "redacted_thinking", data: "opaque" },
          ],
          tool_calls: [
            { id: "toolu_1", type: "function", function: { name: "f", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_1", content: "ok" },
      ] as ChatCompletionRequest["messages"],
    });
    expect(body.messages[1]?.content).toEqual([
      { type: "thinking", thinking: "plan", signature: "sig-1" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "tool_use", id: "toolu_1", name: "f", input: {} },
    ]);
  });

  it("maps tools, tool_choice and parallel_tool_calls", () => {
    const tools: ChatCompletionRequest["tools"] = [
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
          strict: true,
        },
      },
      { type: "function", function: { name: "get_time" } },
    ];
    const { body } = convert({ tools, tool_choice: "auto" });
    expect(body.tools).toEqual([
      {
        name: "get_weather",
        description: "Current weather",
        input_schema: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        },
      },
      { name: "get_time", input_schema: { type: "object", properties: {} } },
    ]);
    expect(body.tool_choice).toEqual({ type: "auto" });
    expect(convert({ tools, tool_choice: "required" }).body.tool_choice).toEqual({ type: "any" });
    expect(convert({ tools, tool_choice: "none" }).body.tool_choice).toEqual({ type: "none" });
    expect(
      convert({ tools, tool_choice: { type: "function", function: { name: "get_time" } } }).body
        .tool_choice,
    ).toEqual({ type: "tool", name: "get_time" });
    expect(convert({ tools, parallel_tool_calls: false }).body.tool_choice).toEqual({
      type: "auto",
      disable_parallel_tool_use: true,
    });
    expect(
      convert({ tools, tool_choice: "required", parallel_tool_calls: false }).body.tool_choice,
    ).toEqual({
      type: "any",
      disable_parallel_tool_use: true,
    });
    expect(convert({ tool_choice: "auto" }).body.tool_choice).toBeUndefined();
  });
});

describe("convertRequest: images and documents", () => {
  it("turns a data URL into a base64 image and an http URL into a url image", () => {
    const { body } = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            {
              type: "image_url",
              image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" },
            },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            {
              type: "file",
              file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" },
            },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content).toEqual([
      { type: "text", text: "Compare" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
        title: "a.pdf",
      },
    ]);
  });

  it("refuses image types Anthropic cannot read with a clear 400", () => {
    const run = () =>
      convert({
        messages: [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: { url: "data:image/svg+xml;base64,PHN2Zz4=" } },
            ],
          },
        ],
      });
    expect(run).toThrow(GatewayError);
    expect(run).toThrow(/image\/svg\+xml/);
  });
});

describe("convertRequest: parameters", () => {
  it("requires max_tokens: client value, then deployment default, then per-model default", () => {
    expect(convert({ max_completion_tokens: 300, max_tokens: 200 }).body.max_tokens).toBe(300);
    expect(convert({ max_tokens: 200 }).body.max_tokens).toBe(200);
    expect(convert({}, { params: { max_tokens: 1000 } }).body.max_tokens).toBe(1000);
    expect(convert({}).body.max_tokens).toBe(64_000);
    expect(convert({}, { model: "claude-opus-4-1-20250805" }).body.max_tokens).toBe(32_000);
    expect(convert({}, { model: "claude-3-5-haiku-latest" }).body.max_tokens).toBe(8192);
    expect(convert({}, { model: "claude-opus-4-6" }).body.max_tokens).toBe(128_000);
    expect(convert({}, { model: "some-proxy-model" }).body.max_tokens).toBe(4096);
  });

  it("maps stop, temperature (clamped), top_p, user and stream", () => {
    const { body } = convert({
      stop: "END",
      temperature: 1.7,
      top_p: 0.9,
      user: "user-42",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(body).toMatchObject({
      stop_sequences: ["END"],
      temperature: 1,
      top_p: 0.9,
      metadata: { user_id: "user-42" },
      stream: true,
    });
    expect(body).not.toHaveProperty("stream_options");
    expect(convert({ stop: ["a", "b"] }).body.stop_sequences).toEqual(["a", "b"]);
    // Anthropic rejects emails as user ids (LiteLLM's _valid_user_id).
    expect(convert({ user: "ada@example.com" }).body.metadata).toBeUndefined();
  });

  it("maps reasoning_effort to a thinking budget (LiteLLM's 1024/2048/4096) and raises max_tokens", () => {
    const low = convert({ reasoning_effort: "low", temperature: 0.2, max_tokens: 500 }).body;
    expect(low.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(low.max_tokens).toBe(1524);
    expect(low).not.toHaveProperty("temperature");
    expect(convert({ reasoning_effort: "medium" }).body.thinking).toEqual({
      type: "enabled",
      budget_tokens: 2048,
    });
    expect(convert({ reasoning_effort: "high" }).body.thinking).toEqual({
      type: "enabled",
      budget_tokens: 4096,
    });
    expect(convert({ reasoning_effort: "none" }).body.thinking).toBeUndefined();
  });

  it("uses adaptive thinking with output_config.effort on Claude 4.6 and later", () => {
    const { body } = convert({ reasoning_effort: "high" }, { model: "claude-opus-4-6" });
    expect(body.thinking).toEqual({ type: "adaptive" });
    expect(body.output_config).toEqual({ effort: "high" });
  });

  it("lets an explicit Anthropic `thinking` object win over reasoning_effort", () => {
    const { body } = convert({
      reasoning_effort: "low",
      thinking: { type: "enabled", budget_tokens: 5000 },
      max_tokens: 8000,
    } as Partial<ChatCompletionRequest>);
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 5000 });
    expect(body.max_tokens).toBe(8000);
  });

  it("refuses n > 1 unless drop_params", () => {
    expect(() => convert({ n: 2 })).toThrow(/n > 1/);
    expect(convert({ n: 2 }, { dropParams: true }).body).not.toHaveProperty("n");
    expect(convert({ n: 1 }).body).not.toHaveProperty("n");
  });

  it("forwards only Anthropic-native extra fields, plus extra_body", () => {
    const { body } = convert({
      top_k: 5,
      metadata: { trace: "x" },
      some_unknown: 1,
      extra_body: { service_tier: "standard_only" },
    } as Partial<ChatCompletionRequest>);
    expect(body.top_k).toBe(5);
    expect(body.service_tier).toBe("standard_only");
    expect(body).not.toHaveProperty("some_unknown");
    expect(body.metadata).toBeUndefined();
  });
});

describe("convertRequest: response_format", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, born: { type: "integer" } },
    required: ["name", "born"],
  };

  it("turns json_schema into the forced json_tool_call tool (LiteLLM's technique)", () => {
    const { body, jsonMode } = convert({
      response_format: {
        type: "json_schema",
        json_schema: { name: "person", schema, strict: true },
      },
    });
    expect(jsonMode).toBe(true);
    expect(body.tools).toEqual([{ name: "json_tool_call", input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: "tool", name: "json_tool_call" });
  });

  it("gives json_object an open schema, and does not force the tool while thinking", () => {
    const { body } = convert({ response_format: { type: "json_object" }, reasoning_effort: "low" });
    expect(body.tools).toEqual([
      {
        name: "json_tool_call",
        input_schema: { type: "object", properties: {}, additionalProperties: true },
      },
    ]);
    expect(body.tool_choice).toBeUndefined();
  });

  it("ignores response_format text", () => {
    const { body, jsonMode } = convert({ response_format: { type: "text" } });
    expect(jsonMode).toBe(false);
    expect(body.tools).toBeUndefined();
  });
});
