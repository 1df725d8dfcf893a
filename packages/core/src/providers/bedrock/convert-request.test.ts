import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { convertRequest, THINKING_ANSWER_TOKENS } from "./convert-request.ts";

const CLAUDE = "us.anthropic.claude-sonnet-4-20250514-v1:0";

function deployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return { provider: "bedrock", model: CLAUDE, params: {}, ...overrides };
}

function convert(
  request: Partial<ChatCompletionRequest>,
  options: { deployment?: ProviderDeployment; modelId?: string } = {},
) {
  const full = { model: "bedrock/x", messages: [{ role: "user", content: "hi" }], ...request };
  return convertRequest(
    full as ChatCompletionRequest,
    options.deployment ?? deployment(),
    options.modelId ?? CLAUDE,
  );
}

const PNG_DATA_URL = "data:image/png;base64,iVBORw0KGgo=";

describe("convertRequest: messages", () => {
  it("hoists system and developer messages, wherever they are, into system blocks", () => {
    const body = convert({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Hi" },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "assistant", content: "Salut" },
        { role: "system", content: "   " },
        { role: "user", content: "Again" },
      ],
    });
    expect(body.system).toEqual([{ text: "Be terse." }, { text: "Answer in French." }]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ text: "Hi" }] },
      { role: "assistant", content: [{ text: "Salut" }] },
      { role: "user", content: [{ text: "Again" }] },
    ]);
  });

  it("round-trips a tool conversation: toolUse with parsed input, merged toolResults first", () => {
    const body = convert({
      messages: [
        { role: "user", content: "Weather in Oslo and the time?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
            { id: "toolu.2:x", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "4°C, rain" },
        { role: "tool", tool_call_id: "toolu.2:x", content: [{ type: "text", text: "12:00" }] },
        { role: "user", content: "Thanks! Anything else?" },
      ],
      tools: [
        { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
        { type: "function", function: { name: "get_time" } },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ text: "Weather in Oslo and the time?" }] },
      {
        role: "assistant",
        // The empty content produced no blank text block.
        content: [
          { toolUse: { toolUseId: "call_1", name: "get_weather", input: { city: "Oslo" } } },
          // Ids outside [a-zA-Z0-9_-] are rewritten, identically on both sides.
          { toolUse: { toolUseId: "toolu_2_x", name: "get_time", input: {} } },
        ],
      },
      {
        role: "user",
        content: [
          { toolResult: { toolUseId: "call_1", content: [{ text: "4°C, rain" }] } },
          { toolResult: { toolUseId: "toolu_2_x", content: [{ text: "12:00" }] } },
          { text: "Thanks! Anything else?" },
        ],
      },
    ]);
  });

  it("puts tool results before user text even when the user text came first", () => {
    const body = convert({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "user", content: "note" },
        { role: "tool", tool_call_id: "c1", content: "" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    expect(body.messages[2]?.content).toEqual([
      { toolResult: { toolUseId: "c1", content: [{ text: "(no output)" }] } },
      { text: "note" },
    ]);
  });

  it("starts with a user turn when the conversation starts with the assistant", () => {
    const body = convert({
      messages: [
        { role: "system", content: "s" },
        { role: "assistant", content: "Hello, how can I help?" },
        { role: "user", content: "Tell me a joke" },
      ],
    });
    expect(body.messages[0]).toEqual({ role: "user", content: [{ text: "." }] });
    expect(body.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
  });

  it("merges consecutive user messages and drops blank text", () => {
    const body = convert({
      messages: [
        { role: "user", content: "one" },
        {
          role: "user",
          content: [
            { type: "text", text: "" },
            { type: "text", text: "two" },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([{ role: "user", content: [{ text: "one" }, { text: "two" }] }]);
  });

  it("sends data-URL images as base64 bytes with their format", () => {
    const body = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: PNG_DATA_URL, detail: "high" } },
            { type: "image_url", image_url: { url: "data:image/jpg;base64,/9j/4AAQ" } },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content).toEqual([
      { text: "What is this?" },
      { image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } },
      { image: { format: "jpeg", source: { bytes: "/9j/4AAQ" } } },
    ]);
  });

  it("rejects http image URLs with a clear 400 (Converse takes bytes only)", () => {
    const error = (() => {
      try {
        convert({
          messages: [
            {
              role: "user",
              content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }],
            },
          ],
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBe(400);
    expect((error as InvalidRequestError).param).toBe("messages[0].content[0]");
    expect((error as Error).message).toMatch(/does not accept image URLs.*base64 data URL/);
  });

  it("rejects image types Converse does not take", () => {
    expect(() =>
      convert({
        messages: [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: { url: "data:image/svg+xml;base64,PHN2Zz4=" } },
            ],
          },
        ],
      }),
    ).toThrow(/image type image\/svg\+xml/);
  });

  it("sends PDF files as document blocks with a valid name", () => {
    const body = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Summarise" },
            {
              type: "file",
              file: {
                file_data: "data:application/pdf;base64,JVBERi0x",
                filename: "report_2024.v2.pdf",
              },
            },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content[1]).toEqual({
      document: { format: "pdf", name: "report 2024 v2", source: { bytes: "JVBERi0x" } },
    });
  });

  it("adds cachePoint blocks after parts and messages marked with cache_control", () => {
    const body = convert({
      messages: [
        {
          role: "system",
          content: [
            { type: "text", text: "Long system prompt", cache_control: { type: "ephemeral" } },
          ],
        },
        { role: "user", content: "Long document", cache_control: { type: "ephemeral" } } as never,
      ],
    });
    expect(body.system).toEqual([
      { text: "Long system prompt" },
      { cachePoint: { type: "default" } },
    ]);
    expect(body.messages[0]?.content).toEqual([
      { text: "Long document" },
      { cachePoint: { type: "default" } },
    ]);
  });

  it("sends LiteLLM thinking_blocks back as reasoningContent before the tool use", () => {
    const body = convert({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: null,
          thinking_blocks: [
            { type: "thinking", thinking: "Need the weather.", signature: "sig123" },
            { type: "redacted_thinking", data: "ZW5j" },
          ],
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        } as never,
        { role: "tool", tool_call_id: "c1", content: "ok" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    expect(body.messages[1]?.content).toEqual([
      { reasoningContent: { reasoningText: { text: "Need the weather.", signature: "sig123" } } },
      { reasoningContent: { redactedContent: "ZW5j" } },
      { toolUse: { toolUseId: "c1", name: "f", input: {} } },
    ]);
  });
});

describe("convertRequest: parameters", () => {
  it("maps max tokens, temperature (clamped to 1), top_p and stop into inferenceConfig", () => {
    const body = convert({
      max_completion_tokens: 512,
      max_tokens: 99,
      temperature: 1.7,
      top_p: 0.9,
      stop: "END",
    });
    expect(body.inferenceConfig).toEqual({
      maxTokens: 512,
      temperature: 1,
      topP: 0.9,
      stopSequences: ["END"],
    });
    expect(convert({ stop: ["", "STOP"] }).inferenceConfig).toEqual({ stopSequences: ["STOP"] });
    expect(convert({}).inferenceConfig).toBeUndefined();
  });

  it("rejects n > 1 unless drop_params", () => {
    expect(() => convert({ n: 2 })).toThrow(/n > 1/);
    expect(() => convert({ n: 2 }, { deployment: deployment({ dropParams: true }) })).not.toThrow();
  });

  it("puts top_k where the model family takes it", () => {
    expect(convert({ top_k: 40 } as never).additionalModelRequestFields).toEqual({ top_k: 40 });
    expect(
      convert({ top_k: 40 } as never, {
        modelId: "amazon.nova-pro-v1:0",
        deployment: deployment({ model: "amazon.nova-pro-v1:0" }),
      }).additionalModelRequestFields,
    ).toEqual({ inferenceConfig: { topK: 40 } });
  });

  it("passes guardrailConfig and friends through from the request or litellm_params", () => {
    const body = convert({ requestMetadata: { team: "a" } } as never, {
      deployment: deployment({
        params: { guardrailConfig: { guardrailIdentifier: "gr-1", guardrailVersion: "1" } },
      }),
    });
    expect(body.guardrailConfig).toEqual({ guardrailIdentifier: "gr-1", guardrailVersion: "1" });
    expect(body.requestMetadata).toEqual({ team: "a" });
  });

  it("maps OpenAI service tiers Converse also has", () => {
    expect(convert({ service_tier: "flex" }).serviceTier).toEqual({ type: "flex" });
    expect(convert({ service_tier: "auto" }).serviceTier).toBeUndefined();
  });
});

describe("convertRequest: tools", () => {
  const tools = [
    {
      type: "function" as const,
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
    { type: "function" as const, function: { name: "ping", description: "" } },
  ];

  it("maps tools to toolSpec with inputSchema.json", () => {
    expect(convert({ tools }).toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "get_weather",
            description: "Current weather",
            inputSchema: {
              json: {
                type: "object",
                properties: { city: { type: "string" } },
                required: ["city"],
              },
            },
          },
        },
        { toolSpec: { name: "ping", inputSchema: { json: { type: "object", properties: {} } } } },
      ],
    });
  });

  it.each([
    ["auto", { auto: {} }],
    ["required", { any: {} }],
    [{ type: "function", function: { name: "ping" } }, { tool: { name: "ping" } }],
  ])("maps tool_choice %j", (choice, expected) => {
    expect(convert({ tools, tool_choice: choice as never }).toolConfig?.toolChoice).toEqual(
      expected,
    );
  });

  it("drops the tools for tool_choice none, but keeps a toolConfig when the history has tool blocks", () => {
    expect(convert({ tools, tool_choice: "none" }).toolConfig).toBeUndefined();
    const withHistory = convert({
      tools,
      tool_choice: "none",
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          tool_calls: [{ id: "c1", type: "function", function: { name: "ping", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "pong" },
      ],
    });
    expect(withHistory.toolConfig?.tools).toHaveLength(2);
    expect(withHistory.toolConfig?.toolChoice).toBeUndefined();
  });

  it("declares the history's tools when the request has none (Converse requires toolConfig)", () => {
    const body = convert({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          tool_calls: [
            { id: "c1", type: "function", function: { name: "lookup", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "found" },
      ],
    });
    expect(body.toolConfig).toEqual({
      tools: [
        { toolSpec: { name: "lookup", inputSchema: { json: { type: "object", properties: {} } } } },
      ],
    });
  });
});

describe("convertRequest: response_format", () => {
  const schema = {
    type: "object",
    properties: { city: { type: "string" }, temperature: { type: "number" } },
    required: ["city", "temperature"],
  };

  it("turns json_schema into a forced tool named after the schema (LiteLLM's approach)", () => {
    const body = convert({
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather_report", description: "A report", schema },
      },
    });
    expect(body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "weather_report",
            description: "A report",
            inputSchema: { json: schema },
          },
        },
      ],
      toolChoice: { tool: { name: "weather_report" } },
    });
  });

  it("uses an open schema named json_tool_call for json_object", () => {
    const body = convert({ response_format: { type: "json_object" } });
    expect(body.toolConfig?.toolChoice).toEqual({ tool: { name: "json_tool_call" } });
    expect(body.toolConfig?.tools[0]?.toolSpec.inputSchema.json).toMatchObject({ type: "object" });
  });

  it("adds the JSON tool next to the client's tools without overriding their tool_choice", () => {
    const body = convert({
      tools: [{ type: "function", function: { name: "ping" } }],
      tool_choice: "auto",
      response_format: { type: "json_schema", json_schema: { name: "out", schema } },
    });
    expect(body.toolConfig?.tools.map((t) => t.toolSpec.name)).toEqual(["ping", "out"]);
    expect(body.toolConfig?.toolChoice).toEqual({ auto: {} });
  });
});

describe("convertRequest: reasoning", () => {
  it.each([
    ["low", 1024],
    ["medium", 2048],
    ["high", 4096],
    ["minimal", 1024],
  ])("maps reasoning_effort %s to a thinking budget of %d for Claude", (effort, budget) => {
    const body = convert({ reasoning_effort: effort as never, temperature: 0.3, top_p: 0.5 });
    expect(body.additionalModelRequestFields).toEqual({
      thinking: { type: "enabled", budget_tokens: budget },
    });
    // Thinking rejects a modified temperature / top_p; max_tokens must exceed the budget.
    expect(body.inferenceConfig).toEqual({ maxTokens: budget + THINKING_ANSWER_TOKENS });
  });

  it("keeps a max_tokens above the budget and raises one below it", () => {
    expect(convert({ reasoning_effort: "low", max_tokens: 8000 }).inferenceConfig?.maxTokens).toBe(
      8000,
    );
    expect(convert({ reasoning_effort: "low", max_tokens: 500 }).inferenceConfig?.maxTokens).toBe(
      1524,
    );
  });

  it("does not force the JSON tool while thinking (Claude rejects forced tools with thinking)", () => {
    const body = convert({
      reasoning_effort: "low",
      response_format: {
        type: "json_schema",
        json_schema: { name: "out", schema: { type: "object" } },
      },
    });
    expect(body.toolConfig?.toolChoice).toBeUndefined();
  });

  it("treats reasoning_effort none as no thinking", () => {
    expect(convert({ reasoning_effort: "none" }).additionalModelRequestFields).toBeUndefined();
  });

  it("passes an explicit Anthropic thinking object through", () => {
    const body = convert({ thinking: { type: "enabled", budget_tokens: 3000 } } as never);
    expect(body.additionalModelRequestFields).toEqual({
      thinking: { type: "enabled", budget_tokens: 3000 },
    });
  });

  it("rejects reasoning_effort for non-Claude models unless drop_params", () => {
    const llama = deployment({ model: "meta.llama3-70b-instruct-v1:0" });
    expect(() =>
      convert({ reasoning_effort: "high" }, { deployment: llama, modelId: llama.model }),
    ).toThrow(/reasoning_effort/);
    const dropped = convert(
      { reasoning_effort: "high" },
      { deployment: { ...llama, dropParams: true }, modelId: llama.model },
    );
    expect(dropped.additionalModelRequestFields).toBeUndefined();
  });

  it("recognises Claude behind an application inference profile through base_model", () => {
    const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
    const body = convert(
      { reasoning_effort: "low" },
      {
        deployment: deployment({
          model: arn,
          params: { base_model: "anthropic.claude-3-7-sonnet-20250219-v1:0" },
        }),
        modelId: arn,
      },
    );
    expect(body.additionalModelRequestFields?.["thinking"]).toBeDefined();
  });
});
