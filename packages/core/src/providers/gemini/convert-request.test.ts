import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { chatRequest, geminiDeployment } from "./__fixtures__/fixtures.ts";
import { convertRequest } from "./convert-request.ts";
import { SKIP_THOUGHT_SIGNATURE } from "./tool-call-id.ts";

const convert = (request: Partial<ChatCompletionRequest>, model = "gemini-2.0-flash") =>
  convertRequest(chatRequest(request), geminiDeployment({ model }));

describe("convertRequest: messages", () => {
  it("hoists system and developer messages in order and maps roles", () => {
    const body = convert({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "Weather?" },
      ],
    });
    expect(body.systemInstruction).toEqual({
      parts: [{ text: "Be terse." }, { text: "Answer in French." }],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Hi" }] },
      { role: "model", parts: [{ text: "Hello." }] },
      { role: "user", parts: [{ text: "Weather?" }] },
    ]);
  });

  it("merges consecutive same-role turns and sends a system-only conversation as the user turn", () => {
    expect(
      convert({
        messages: [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
        ],
      }).contents,
    ).toEqual([{ role: "user", parts: [{ text: "a" }, { text: "b" }] }]);
    const systemOnly = convert({ messages: [{ role: "system", content: "Say hi" }] });
    expect(systemOnly.contents).toEqual([{ role: "user", parts: [{ text: "Say hi" }] }]);
    expect(systemOnly.systemInstruction).toBeUndefined();
  });

  it("round-trips tool calls: functionCall parts, then functionResponse parts named from the call id", () => {
    const body = convert({
      messages: [
        { role: "user", content: "Weather in Oslo and Bergen?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: "call_a__thought__c2lnLWE=",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
            {
              id: "call_b",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
            },
            { id: "call_c", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a__thought__c2lnLWE=", content: "4°C, rain" },
        { role: "tool", tool_call_id: "call_b", content: '{"temp":6,"sky":"cloudy"}' },
        { role: "tool", tool_call_id: "call_c", content: "[1,2]" },
        { role: "user", content: "Thanks. Which is warmer?" },
      ],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Oslo and Bergen?" }] },
      {
        role: "model",
        parts: [
          // No empty text part for content "", and the signature comes back out of the id.
          {
            functionCall: { name: "get_weather", args: { city: "Oslo" } },
            thoughtSignature: "c2lnLWE=",
          },
          { functionCall: { name: "get_weather", args: { city: "Bergen" } } },
          { functionCall: { name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { content: "4°C, rain" } } },
          { functionResponse: { name: "get_weather", response: { temp: 6, sky: "cloudy" } } },
          { functionResponse: { name: "get_time", response: { content: "[1,2]" } } },
          { text: "Thanks. Which is warmer?" },
        ],
      },
    ]);
  });

  it("rejects a tool result that answers no earlier call", () => {
    expect(() =>
      convert({
        messages: [
          { role: "user", content: "x" },
          { role: "tool", tool_call_id: "call_missing", content: "y" },
        ],
      }),
    ).toThrow(InvalidRequestError);
  });

  it("adds Google's placeholder signature to unsigned replayed calls on Gemini 3 only", () => {
    const messages: ChatCompletionRequest["messages"] = [
      { role: "user", content: "x" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "toolu_01", type: "function", function: { name: "f", arguments: "{}" } },
          { id: "toolu_02", type: "function", function: { name: "f", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_01", content: "a" },
      { role: "tool", tool_call_id: "toolu_02", content: "b" },
    ];
    const gemini3 = convert({ messages }, "gemini-3-pro-preview").contents[1];
    expect(gemini3?.parts[0]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE);
    expect(gemini3?.parts[1]?.thoughtSignature).toBeUndefined();
    expect(
      convert({ messages }, "gemini-2.5-flash").contents[1]?.parts[0]?.thoughtSignature,
    ).toBeUndefined();
  });

  it("converts images: data URL to inlineData, http URL to fileData with a guessed mimeType", () => {
    const body = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            {
              type: "image_url",
              image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" },
            },
            {
              type: "image_url",
              image_url: { url: "https://example.com/photos/cat.WEBP?size=large" },
            },
            { type: "image_url", image_url: { url: "https://example.com/render" } },
            { type: "image_url", image_url: { url: "gs://bucket/doc.pdf" } },
          ],
        },
      ],
    });
    expect(body.contents[0]?.parts).toEqual([
      { text: "Compare" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      {
        fileData: {
          mimeType: "image/webp",
          fileUri: "https://example.com/photos/cat.WEBP?size=large",
        },
      },
      { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/render" } },
      { fileData: { mimeType: "application/pdf", fileUri: "gs://bucket/doc.pdf" } },
    ]);
  });

  it("rejects svg/bmp images and non-base64 data URLs with a 400", () => {
    const image = (url: string) =>
      convert({
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }],
      });
    expect(() => image("data:image/svg+xml;base64,PHN2Zz4=")).toThrow(
      /does not accept image\/svg\+xml/,
    );
    expect(() => image("https://example.com/a.bmp")).toThrow(InvalidRequestError);
    expect(() => image("data:text/plain,hello")).toThrow(/base64/);
  });

  it("converts audio and file parts", () => {
    const body = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=" } },
          ],
        },
      ],
    });
    expect(body.contents[0]?.parts).toEqual([
      { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
    ]);
  });
});

describe("convertRequest: tools", () => {
  const weather = {
    type: "function" as const,
    function: {
      name: "get_weather",
      description: "Current weather",
      strict: true,
      parameters: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        additionalProperties: false,
        properties: {
          city: { type: "string" },
          unit: { type: ["string", "null"], enum: ["c", "f", null] },
        },
        required: ["city", "unit"],
      },
    },
  };

  it("builds one functionDeclarations tool with cleaned parameters and omits empty ones", () => {
    const body = convert({
      tools: [
        weather,
        {
          type: "function",
          function: { name: "get_time", parameters: { type: "object", properties: {} } },
        },
      ],
    });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Current weather",
            parameters: {
              type: "object",
              properties: {
                city: { type: "string" },
                unit: { type: "string", enum: ["c", "f"], nullable: true },
              },
              required: ["city", "unit"],
            },
          },
          { name: "get_time" },
        ],
      },
    ]);
    expect(body.toolConfig).toBeUndefined();
  });

  it.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
    [
      { type: "function", function: { name: "get_weather" } },
      { mode: "ANY", allowedFunctionNames: ["get_weather"] },
    ],
  ] as const)("maps tool_choice %j", (choice, config) => {
    expect(convert({ tools: [weather], tool_choice: choice }).toolConfig).toEqual({
      functionCallingConfig: config,
    });
  });

  it("maps web_search_options to googleSearch", () => {
    expect(convert({ web_search_options: {} }).tools).toEqual([{ googleSearch: {} }]);
  });
});

describe("convertRequest: generationConfig", () => {
  it("maps sampling params", () => {
    expect(
      convert({
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        max_tokens: 100,
        max_completion_tokens: 512,
        stop: "END",
        n: 2,
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        logprobs: true,
        top_logprobs: 3,
        user: "u-1",
      }).generationConfig,
    ).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 512,
      stopSequences: ["END"],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseLogprobs: true,
      logprobs: 3,
    });
    expect(convert({}).generationConfig).toBeUndefined();
  });

  it("drops penalties on Gemini 3, which rejects them", () => {
    expect(
      convert({ presence_penalty: 1, temperature: 1 }, "gemini-3-flash-preview").generationConfig,
    ).toEqual({ temperature: 1 });
  });

  it("maps json_schema to responseJsonSchema (2.0+) and to a cleaned responseSchema (1.x)", () => {
    const schema = {
      type: "object",
      properties: {
        name: { type: "string" },
        tags: { type: "array", items: { $ref: "#/$defs/Tag" } },
      },
      required: ["name"],
      additionalProperties: false,
      $defs: { Tag: { type: "string", format: "uri" } },
    };
    const response_format = {
      type: "json_schema" as const,
      json_schema: { name: "person", strict: true, schema },
    };
    expect(convert({ response_format }, "gemini-2.5-flash").generationConfig).toEqual({
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
    expect(convert({ response_format }, "gemini-1.5-pro").generationConfig).toEqual({
      responseMimeType: "application/json",
      responseSchema: {
        type: "object",
        properties: {
          name: { type: "string" },
          tags: { type: "array", items: { type: "string" } },
        },
        required: ["name"],
      },
    });
    expect(convert({ response_format: { type: "json_object" } }).generationConfig).toEqual({
      responseMimeType: "application/json",
    });
  });

  it.each([
    ["gemini-2.5-flash", "low", { thinkingBudget: 1024, includeThoughts: true }],
    ["gemini-2.5-flash", "high", { thinkingBudget: 4096, includeThoughts: true }],
    ["gemini-2.5-flash", "none", { thinkingBudget: 0, includeThoughts: false }],
    ["gemini-2.5-pro", "none", { thinkingBudget: 128, includeThoughts: false }],
    ["gemini-2.5-flash-lite", "minimal", { thinkingBudget: 512, includeThoughts: true }],
    ["gemini-3-pro-preview", "medium", { thinkingLevel: "high", includeThoughts: true }],
    ["gemini-3-flash-preview", "medium", { thinkingLevel: "medium", includeThoughts: true }],
    ["gemini-3-flash-preview", "minimal", { thinkingLevel: "minimal", includeThoughts: true }],
    ["gemini-3-pro-preview", "none", { thinkingLevel: "low", includeThoughts: false }],
  ] as const)("maps reasoning_effort on %s (%s)", (model, effort, thinkingConfig) => {
    expect(convert({ reasoning_effort: effort }, model).generationConfig).toEqual({
      thinkingConfig,
    });
  });

  it("sends no thinkingConfig to models that cannot think", () => {
    expect(
      convert({ reasoning_effort: "high" }, "gemini-2.0-flash").generationConfig,
    ).toBeUndefined();
  });

  it("passes safety_settings and cached_content from the request or the deployment", () => {
    const safety = [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }];
    expect(convert({ safety_settings: safety }).safetySettings).toEqual(safety);
    const body = convertRequest(
      chatRequest(),
      geminiDeployment({
        params: { safety_settings: safety, cached_content: "cachedContents/abc" },
      }),
    );
    expect(body.safetySettings).toEqual(safety);
    expect(body.cachedContent).toBe("cachedContents/abc");
  });
});
