import { afterEach, describe, expect, it } from "vitest";
import { json } from "../fake-server/json.ts";
import { sse } from "../fake-server/sse.ts";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest, type RawResponse } from "../http-client/raw-request.ts";
import {
  anthropicContextLengthError,
  anthropicOverloadedError,
  anthropicRateLimitError,
} from "./anthropic-error.ts";
import { anthropicStreamEvents } from "./anthropic-events.ts";
import { anthropicMessage } from "./anthropic-message.ts";
import { anthropicUsage } from "./anthropic-usage.ts";
import { startFakeAnthropic } from "./fake-anthropic.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const KEY = "sk-ant-api03-fake";
const HEADERS = { "x-api-key": KEY, "anthropic-version": "2023-06-01" };

const body = (extra: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  system: "Be brief.",
  messages: [
    { role: "user", content: "first question" },
    { role: "assistant", content: "answer" },
    { role: "user", content: [{ type: "text", text: "hello world" }] },
  ],
  ...extra,
});

const post = (payload: unknown, headers: Record<string, string> = HEADERS, path = "/v1/messages") =>
  rawRequest(`${fake!.url}${path}`, { method: "POST", body: payload as object, headers });

const jsonOf = (res: RawResponse) => JSON.parse(res.text()) as Record<string, any>;

type Event = { event: string; data: Record<string, any> };
/** Splits an Anthropic SSE body, checking `event:` matches `data.type` on the way. */
function eventsOf(res: RawResponse): Event[] {
  const text = res.text();
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((raw) => {
      const match = /^event: (\S+)\ndata: (.+)$/.exec(raw);
      expect(match, raw).not.toBeNull();
      const event = { event: match![1]!, data: JSON.parse(match![2]!) };
      expect(event.data.type).toBe(event.event);
      return event;
    });
}

const textOf = (events: Event[]) =>
  events
    .filter((e) => e.event === "content_block_delta" && e.data.delta.type === "text_delta")
    .map((e) => e.data.delta.text)
    .join("");

describe("fake Anthropic: default answers", () => {
  it("echoes the last user text in a Message with usage and request-id", async () => {
    fake = await startFakeAnthropic({ apiKey: KEY });
    const res = await post(body());
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["request-id"]).toMatch(/^req_011C/);
    const message = jsonOf(res);
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [{ type: "text", text: "echo: hello world", citations: null }],
      stop_reason: "end_turn",
      stop_sequence: null,
      // "Be brief." 2 + "first question" 2 + "answer" 1 + "hello world" 2.
      usage: {
        input_tokens: 7,
        output_tokens: 3,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
  });

  it("streams Anthropic's event sequence: start, ping, block, deltas per word, delta, stop", async () => {
    fake = await startFakeAnthropic();
    const res = await post(body({ stream: true }));
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const events = eventsOf(res);
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(textOf(events)).toBe("echo: hello world");
    expect(events[0]!.data.message).toMatchObject({
      content: [],
      stop_reason: null,
      usage: { input_tokens: 7 },
    });
    expect(events[7]!.data).toMatchObject({
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 3, input_tokens: 7 },
    });
  });

  it("calls a tool when forced or named, with input built from the schema, then reads its result", async () => {
    fake = await startFakeAnthropic();
    const tools = [
      {
        name: "get_weather",
        input_schema: {
          type: "object",
          properties: {
            city: { type: "string" },
            unit: { type: "string", enum: ["celsius", "fahrenheit"] },
          },
          required: ["city", "unit"],
        },
      },
      { name: "get_time", input_schema: { type: "object", properties: {} } },
    ];
    const forced = jsonOf(
      await post(body({ tools, tool_choice: { type: "tool", name: "get_weather" } })),
    );
    expect(forced.stop_reason).toBe("tool_use");
    expect(forced.content).toEqual([
      {
        type: "tool_use",
        id: expect.stringMatching(/^toolu_01/),
        name: "get_weather",
        input: { city: "example", unit: "celsius" },
      },
    ]);

    const named = jsonOf(
      await post({
        ...body({ tools }),
        messages: [{ role: "user", content: "use get_weather and get_time" }],
      }),
    );
    expect(named.content.map((block: { name: string }) => block.name)).toEqual([
      "get_weather",
      "get_time",
    ]);

    const streamed = eventsOf(
      await post(body({ tools, tool_choice: { type: "any" }, stream: true })),
    );
    const json = streamed
      .filter((e) => e.event === "content_block_delta")
      .map((e) => e.data.delta.partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ city: "example", unit: "celsius" });

    const afterResult = jsonOf(
      await post({
        ...body({ tools }),
        messages: [
          { role: "user", content: "weather?" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }],
          },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "4°C" }],
          },
        ],
      }),
    );
    expect(afterResult.content).toEqual([
      { type: "text", text: "tool results: 4°C", citations: null },
    ]);
  });

  it("honours max_tokens and stop_sequences with Anthropic's stop reasons", async () => {
    fake = await startFakeAnthropic();
    const cut = jsonOf(await post(body({ max_tokens: 2 })));
    expect(cut).toMatchObject({ content: [{ text: "echo: hello" }], stop_reason: "max_tokens" });
    const stopped = jsonOf(await post(body({ stop_sequences: [" world"] })));
    expect(stopped).toMatchObject({
      content: [{ text: "echo: hello" }],
      stop_reason: "stop_sequence",
      stop_sequence: " world",
    });
  });

  it("adds a signed thinking block when thinking is on", async () => {
    fake = await startFakeAnthropic();
    const message = jsonOf(
      await post(body({ thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 2048 })),
    );
    expect(message.content[0]).toMatchObject({
      type: "thinking",
      thinking: "Considering: hello world",
    });
    expect(message.content[0].signature).not.toBe("");
    expect(message.content[1]).toMatchObject({ type: "text", text: "echo: hello world" });
  });

  it("writes, then reads, the prompt cache for a cache_control prefix", async () => {
    fake = await startFakeAnthropic();
    const cached = body({
      system: [
        { type: "text", text: "A long shared system prompt", cache_control: { type: "ephemeral" } },
      ],
    });
    const first = jsonOf(await post(cached)).usage;
    const second = jsonOf(await post(cached)).usage;
    expect(first).toMatchObject({
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 0,
      input_tokens: 5,
    });
    expect(second).toMatchObject({
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 5,
      input_tokens: 5,
    });
  });

  it("counts tokens", async () => {
    fake = await startFakeAnthropic();
    const res = await post(body(), HEADERS, "/v1/messages/count_tokens");
    expect(jsonOf(res)).toEqual({ input_tokens: 7 });
  });
});

describe("fake Anthropic: errors", () => {
  it("checks x-api-key and anthropic-version before anything else", async () => {
    fake = await startFakeAnthropic({ apiKey: KEY });
    fake.enqueue(json(anthropicMessage({ text: "scripted" })));
    const missing = await post(body(), { "anthropic-version": "2023-06-01" });
    expect(missing.status).toBe(401);
    expect(jsonOf(missing)).toMatchObject({
      type: "error",
      error: { type: "authentication_error", message: "x-api-key header is required" },
      request_id: expect.stringMatching(/^req_/),
    });
    const wrong = await post(body(), { "x-api-key": "nope", "anthropic-version": "2023-06-01" });
    expect(jsonOf(wrong).error).toEqual({
      type: "authentication_error",
      message: "invalid x-api-key",
    });
    const noVersion = await post(body(), { "x-api-key": KEY });
    expect(noVersion.status).toBe(400);
    expect(jsonOf(noVersion).error.message).toBe("anthropic-version: header is required");
    // The scripted answer is still there for the first authorised request.
    expect(jsonOf(await post(body())).content[0].text).toBe("scripted");
  });

  it("rejects what the real API rejects, with its messages", async () => {
    fake = await startFakeAnthropic({ maxOutputTokens: 64_000 });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...body(), max_tokens: undefined }, "max_tokens: Field required"],
      [body({ n: 2 }), "n: Extra inputs are not permitted"],
      [
        body({ max_tokens: 200_000 }),
        "max_tokens: 200000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5",
      ],
      [body({ temperature: 1.5 }), "temperature: Input should be less than or equal to 1"],
      [
        { ...body(), messages: [{ role: "system", content: "x" }] },
        "messages.0.role: Input should be 'user' or 'assistant'",
      ],
      [
        { ...body(), messages: [{ role: "user", content: [{ type: "text", text: "" }] }] },
        "messages: text content blocks must be non-empty",
      ],
      [
        {
          ...body(),
          messages: [
            { role: "user", content: "q" },
            {
              role: "assistant",
              content: [{ type: "tool_use", id: "toolu_9", name: "f", input: {} }],
            },
            { role: "user", content: "no result" },
          ],
        },
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_9. Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
      ],
      [
        {
          ...body(),
          messages: [
            { role: "user", content: "q" },
            { role: "assistant", content: "prefill " },
          ],
        },
        "messages: final assistant content cannot end with trailing whitespace",
      ],
      [
        body({ thinking: { type: "enabled", budget_tokens: 2048 } }),
        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
      ],
      [
        body({ tool_choice: { type: "auto" } }),
        "tool_choice may only be specified while providing tools.",
      ],
      [
        {
          ...body(),
          messages: [
            {
              role: "user",
              content: [
                {
                  type: "image",
                  source: { type: "base64", media_type: "image/svg+xml", data: "PHN2Zz4=" },
                },
              ],
            },
          ],
        },
        "messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
      ],
    ];
    for (const [payload, message] of cases) {
      const res = await post(JSON.parse(JSON.stringify(payload)));
      expect(res.status, message).toBe(400);
      expect(jsonOf(res).error).toEqual({ type: "invalid_request_error", message });
    }
  });

  it("answers unknown models and routes with not_found_error", async () => {
    fake = await startFakeAnthropic({ models: ["claude-haiku-4-5"] });
    const model = await post(body());
    expect(model.status).toBe(404);
    expect(jsonOf(model).error).toEqual({
      type: "not_found_error",
      message: "model: claude-sonnet-4-5",
    });
    expect((await post(body(), HEADERS, "/v1/complete")).status).toBe(404);
  });

  it("reports context overflow past contextWindow", async () => {
    fake = await startFakeAnthropic({ contextWindow: 5 });
    const res = await post(body());
    expect(jsonOf(res).error).toEqual({
      type: "invalid_request_error",
      message: "prompt is too long: 7 tokens > 5 maximum",
    });
  });

  it("scripts 429 with retry-after, 529 overloaded and context-length errors", async () => {
    fake = await startFakeAnthropic();
    fake.enqueue(
      anthropicRateLimitError({ retryAfter: 7 }),
      anthropicOverloadedError(),
      anthropicContextLengthError(),
    );
    const limited = await post(body());
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({ "retry-after": "7", "x-should-retry": "true" });
    expect(jsonOf(limited).error.type).toBe("rate_limit_error");
    const overloaded = await post(body());
    expect(overloaded.status).toBe(529);
    expect(jsonOf(overloaded).error).toEqual({ type: "overloaded_error", message: "Overloaded" });
    const tooLong = await post(body());
    expect(tooLong.status).toBe(400);
    expect(jsonOf(tooLong).error.message).toBe(
      "prompt is too long: 210345 tokens > 200000 maximum",
    );
  });

  it("scripts a stream that fails mid-way with an error event and no message_stop", async () => {
    fake = await startFakeAnthropic();
    fake.enqueue(
      sse(
        anthropicStreamEvents({
          text: ["Partial", " answer", " never", " finished"],
          truncateAfter: 4,
          error: { type: "overloaded_error" },
          usage: anthropicUsage({ input: 3 }),
        }),
        { splitWrites: "mid-line" },
      ),
    );
    const events = eventsOf(await post(body({ stream: true })));
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "error",
    ]);
    expect(textOf(events)).toBe("Partial answer");
    expect(events.at(-1)!.data.error).toEqual({ type: "overloaded_error", message: "Overloaded" });
  });
});
