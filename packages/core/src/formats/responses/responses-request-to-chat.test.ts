import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import { ChatCompletionRequestSchema } from "../../openai/chat-request.ts";
import { responsesRequestToChat } from "./responses-request-to-chat.ts";
import { ResponsesRequestSchema, type ResponsesRequest } from "./responses-request.ts";

/** Parses like the route does, then converts. */
function convert(body: Record<string, unknown>) {
  return responsesRequestToChat(ResponsesRequestSchema.parse({ model: "gpt-4o", ...body }));
}

function conversionError(body: Record<string, unknown>): InvalidRequestError {
  try {
    convert(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error("expected the conversion to fail");
}

describe("responsesRequestToChat", () => {
  it("turns a string input into a user message and instructions into a system message", () => {
    const chat = convert({ input: "Tell me a joke", instructions: "Be brief." });
    expect(chat).toEqual({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Tell me a joke" },
      ],
    });
    // The result is a valid chat request.
    expect(ChatCompletionRequestSchema.safeParse(chat).success).toBe(true);
  });

  it("maps sampling, limits, reasoning, metadata and user", () => {
    const chat = convert({
      input: "hi",
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 256,
      reasoning: { effort: "low", summary: "auto" },
      metadata: { trace: "abc" },
      user: "user-1",
      text: { verbosity: "low" },
    });
    expect(chat).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 256,
      reasoning_effort: "low",
      metadata: { trace: "abc" },
      user: "user-1",
      verbosity: "low",
    });
    expect(chat).not.toHaveProperty("max_output_tokens");
    expect(chat).not.toHaveProperty("reasoning");
  });

  it("converts message items with text, images and files; developer and system roles", () => {
    const chat = convert({
      input: [
        { role: "developer", content: "Answer in French." },
        {
          type: "message",
          role: "system",
          content: [{ type: "input_text", text: "System rule." }],
        },
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is in this image?" },
            { type: "input_image", image_url: "https://example.com/cat.png", detail: "low" },
            { type: "input_image", image_url: "data:image/png;base64,AAAA" },
            { type: "input_file", file_data: "data:application/pdf;base64,AA", filename: "a.pdf" },
          ],
        },
      ],
    });
    expect(chat.messages).toEqual([
      { role: "developer", content: "Answer in French." },
      { role: "system", content: [{ type: "text", text: "System rule." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          {
            type: "file",
            file: { file_data: "data:application/pdf;base64,AA", filename: "a.pdf" },
          },
        ],
      },
    ]);
    expect(ChatCompletionRequestSchema.safeParse(chat).success).toBe(true);
  });

  it("round-trips a tool call: replayed output items, then the function output", () => {
    // What a client sends back after a response that reasoned, spoke and called two tools.
    const chat = convert({
      input: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          type: "reasoning",
          id: "rs_1",
          summary: [],
          content: [{ type: "reasoning_text", text: "…" }],
        },
        {
          type: "message",
          id: "msg_1",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "Let me check.", annotations: [] }],
        },
        {
          type: "function_call",
          id: "fc_1",
          call_id: "call_paris",
          name: "get_weather",
          arguments: '{"city":"Paris"}',
          status: "completed",
        },
        {
          type: "function_call",
          id: "fc_2",
          call_id: "call_rome",
          name: "get_weather",
          arguments: '{"city":"Rome"}',
        },
        { type: "function_call_output", call_id: "call_paris", output: "18C" },
        {
          type: "function_call_output",
          call_id: "call_rome",
          output: [{ type: "input_text", text: "24C" }],
        },
      ],
    });
    expect(chat.messages).toEqual([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "Let me check.",
        tool_calls: [
          {
            id: "call_paris",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "call_rome",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_paris", content: "18C" },
      { role: "tool", tool_call_id: "call_rome", content: [{ type: "text", text: "24C" }] },
    ]);
    expect(ChatCompletionRequestSchema.safeParse(chat).success).toBe(true);
  });

  it("starts an assistant message for a function call with nothing before it", () => {
    const chat = convert({
      input: [
        { role: "user", content: "hi" },
        { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "ok" },
        // An assistant message replayed after its own call joins that message.
        { role: "assistant", content: [{ type: "output_text", text: "done" }] },
      ],
    });
    expect(chat.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "ok" },
      { role: "assistant", content: "done" },
    ]);
  });

  it("converts flat function tools, tool_choice and parallel_tool_calls", () => {
    const chat = convert({
      input: "hi",
      tools: [
        {
          type: "function",
          name: "get_weather",
          description: "Weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } } },
          strict: true,
        },
        { type: "function", name: "noop" },
      ],
      tool_choice: { type: "function", name: "get_weather" },
      parallel_tool_calls: false,
    });
    expect(chat.tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } } },
          strict: true,
        },
      },
      { type: "function", function: { name: "noop" } },
    ]);
    expect(chat.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    expect(chat.parallel_tool_calls).toBe(false);
    expect(convert({ input: "hi", tool_choice: "required" }).tool_choice).toBe("required");
  });

  it("maps text.format json_schema to response_format", () => {
    const schema = { type: "object", properties: { a: { type: "number" } }, required: ["a"] };
    const chat = convert({
      input: "hi",
      text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
    });
    expect(chat.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", schema, strict: true },
    });
    expect(
      convert({ input: "hi", text: { format: { type: "json_object" } } }).response_format,
    ).toEqual({ type: "json_object" });
    expect(convert({ input: "hi", text: { format: { type: "text" } } })).not.toHaveProperty(
      "response_format",
    );
  });

  it("always asks for usage when streaming", () => {
    expect(convert({ input: "hi", stream: true })).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(convert({ input: "hi", stream: false })).not.toHaveProperty("stream");
  });

  it("passes unknown keys on (gateway controls) and drops Responses-only ones", () => {
    const chat = convert({
      input: "hi",
      mock_response: "mocked",
      fallbacks: ["gpt-4o-mini"],
      service_tier: "flex",
      prompt_cache_key: "k",
      store: true,
      include: ["reasoning.encrypted_content"],
      truncation: "auto",
      stream_options: { include_obfuscation: false },
    });
    expect(chat).toMatchObject({
      mock_response: "mocked",
      fallbacks: ["gpt-4o-mini"],
      service_tier: "flex",
      prompt_cache_key: "k",
    });
    for (const key of ["store", "include", "truncation", "stream_options", "input"]) {
      expect(chat).not.toHaveProperty(key);
    }
  });

  it("refuses previous_response_id with a 400 that says why", () => {
    const error = conversionError({ input: "hi", previous_response_id: "resp_123" });
    expect(error.status).toBe(400);
    expect(error.param).toBe("previous_response_id");
    expect(error.message).toMatch(/previous_response_id is not supported yet/);
    expect(error.message).toMatch(/does not store responses/);
  });

  it("refuses other features that need stored state", () => {
    expect(conversionError({ input: "hi", conversation: "conv_1" }).param).toBe("conversation");
    expect(conversionError({ input: "hi", background: true }).param).toBe("background");
    expect(conversionError({ input: "hi", prompt: { id: "pmpt_1" } }).param).toBe("prompt");
  });

  it("refuses image references it cannot resolve, naming the part", () => {
    const error = conversionError({
      input: [
        { role: "user", content: [{ type: "input_image", file_id: "file-1", detail: "auto" }] },
      ],
    });
    expect(error.param).toBe("input[0].content[0]");
    expect(error.message).toMatch(/image_url/);
  });

  it("refuses images in system messages and tool outputs", () => {
    const image = { type: "input_image", image_url: "https://x/y.png", detail: "auto" };
    expect(conversionError({ input: [{ role: "system", content: [image] }] }).param).toBe(
      "input[0].content[0]",
    );
    expect(
      conversionError({
        input: [{ type: "function_call_output", call_id: "c", output: [image] }],
      }).param,
    ).toBe("input[0].output[0]");
  });

  it("refuses an input without any message", () => {
    expect(conversionError({ input: [] }).param).toBe("input");
  });
});

describe("ResponsesRequestSchema", () => {
  it("names unsupported item types and hosted tools", () => {
    const items = ResponsesRequestSchema.safeParse({
      model: "m",
      input: [{ type: "item_reference", id: "msg_1" }],
    });
    expect(items.error?.issues[0]?.path).toEqual(["input", 0, "type"]);
    expect(items.error?.issues[0]?.message).toMatch(/function_call_output/);

    const tools = ResponsesRequestSchema.safeParse({
      model: "m",
      input: "hi",
      tools: [{ type: "web_search" }],
    });
    expect(tools.error?.issues[0]?.path).toEqual(["tools", 0, "type"]);
    expect(tools.error?.issues[0]?.message).toMatch(/only function tools/);
  });

  it("keeps unknown fields", () => {
    const parsed = ResponsesRequestSchema.parse({ model: "m", input: "hi", extra_field: 1 });
    expect(parsed.extra_field).toBe(1);
  });
});

describe("responsesRequestToChat: fields the body cannot override", () => {
  it("keeps the translated messages over a stray `messages` field, and ignores __proto__", () => {
    const body = JSON.parse(
      '{"model":"m","input":"hi","messages":"x","__proto__":{"temperature":2}}',
    ) as ResponsesRequest;
    const chat = responsesRequestToChat(body);
    expect(chat.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(Object.getPrototypeOf(chat)).toBe(Object.prototype);
  });
});
