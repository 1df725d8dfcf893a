import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  json,
  openaiChunks,
  openaiCompletion,
  openaiErrorBody,
  sse,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};

// The official OpenAI SDK's Responses API against the gateway, served by a chat deployment.
describe("/v1/responses with the openai SDK", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream-secret" });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o-2024-08-06",
              api_key: "sk-upstream-secret",
              api_base: `${upstream.url}/v1`,
            },
          },
        ],
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  });
  beforeEach(() => upstream.reset());
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const lastUpstreamBody = () => upstream.requests.at(-1)?.json as Record<string, unknown>;

  it("answers a response, built from a chat completion", async () => {
    const response = await client.responses.create({
      model: "gpt-4o",
      instructions: "You are terse.",
      input: "hello gateway",
      max_output_tokens: 100,
    });
    expect(response.object).toBe("response");
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("echo: hello gateway");
    expect(response.output[0]).toMatchObject({
      type: "message",
      role: "assistant",
      status: "completed",
    });
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.total_tokens).toBe(
      (response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0),
    );
    expect(response.instructions).toBe("You are terse.");

    expect(lastUpstreamBody()).toMatchObject({
      model: "gpt-4o-2024-08-06",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "hello gateway" },
      ],
      max_completion_tokens: 100,
    });
    expect(lastUpstreamBody()).not.toHaveProperty("input");
  });

  it("streams Responses events in OpenAI's order", async () => {
    const stream = await client.responses.create({
      model: "gpt-4o",
      input: "stream these words please",
      stream: true,
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    const types = events.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types.slice(-4)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(types.filter((type) => type === "response.output_text.delta").length).toBeGreaterThan(2);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));

    const text = events
      .filter((event) => event.type === "response.output_text.delta")
      .map((event) => event.delta)
      .join("");
    expect(text).toBe("echo: stream these words please");
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.status).toBe("completed");
    expect(completed.response.usage?.output_tokens).toBeGreaterThan(0);
    // The gateway asked the chat upstream for usage, since response.completed carries it.
    expect(lastUpstreamBody()).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("works with the SDK's stream helper and its final response", async () => {
    const stream = client.responses.stream({ model: "gpt-4o", input: "helper test" });
    let deltas = "";
    stream.on("response.output_text.delta", (event) => (deltas += event.delta));
    const final = await stream.finalResponse();
    expect(deltas).toBe("echo: helper test");
    // output_text is computed by the SDK, not sent by the API; this SDK version does not add it
    // to finalResponse() (openai/openai-node#1662, same against OpenAI), so read the message.
    expect(final.output[0]).toMatchObject({
      type: "message",
      content: [{ type: "output_text", text: "echo: helper test" }],
    });
    expect(final.status).toBe("completed");
  });

  it("runs a tool call round trip", async () => {
    upstream.enqueue(
      json(
        openaiCompletion({
          toolCalls: [{ id: "call_weather_1", name: "get_weather", arguments: { city: "Paris" } }],
        }),
      ),
    );
    const input: OpenAI.Responses.ResponseInput = [
      { role: "user", content: "What is the weather in Paris?" },
    ];
    const first = await client.responses.create({ model: "gpt-4o", input, tools: [weatherTool] });
    expect(first.output).toHaveLength(1);
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({
      type: "function_call",
      call_id: "call_weather_1",
      name: "get_weather",
      arguments: '{"city":"Paris"}',
      status: "completed",
    });
    expect(call.id).toMatch(/^fc_/);
    expect(first.output_text).toBe("");
    expect(lastUpstreamBody()["tools"]).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: weatherTool.parameters,
          strict: true,
        },
      },
    ]);

    // The client replays the output and adds the function's result, as OpenAI's docs show.
    input.push(...(first.output as OpenAI.Responses.ResponseInputItem[]));
    input.push({ type: "function_call_output", call_id: call.call_id, output: '{"temp":"18C"}' });
    upstream.enqueue(json(openaiCompletion({ content: "It is 18C in Paris." })));
    const second = await client.responses.create({ model: "gpt-4o", input, tools: [weatherTool] });
    expect(second.output_text).toBe("It is 18C in Paris.");
    expect(lastUpstreamBody()["messages"]).toEqual([
      { role: "user", content: "What is the weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_weather_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_weather_1", content: '{"temp":"18C"}' },
    ]);
  });

  it("streams a tool call as function_call events", async () => {
    upstream.enqueue(
      sse(
        openaiChunks({
          toolCalls: [
            { id: "call_1", name: "get_weather", arguments: ['{"ci', 'ty":"Ro', 'me"}'] },
          ],
          includeUsage: true,
        }),
      ),
    );
    const stream = await client.responses.create({
      model: "gpt-4o",
      input: "weather in Rome",
      tools: [weatherTool],
      stream: true,
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const deltas = events.filter(
      (event) => event.type === "response.function_call_arguments.delta",
    );
    expect(deltas.map((event) => event.delta)).toEqual(['{"ci', 'ty":"Ro', 'me"}']);
    expect(
      events.find((event) => event.type === "response.function_call_arguments.done"),
    ).toMatchObject({
      name: "get_weather",
      arguments: '{"city":"Rome"}',
    });
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.type).toBe("response.completed");
    expect(completed.response.output).toEqual([
      expect.objectContaining({
        type: "function_call",
        call_id: "call_1",
        arguments: '{"city":"Rome"}',
      }),
    ]);
    expect(completed.response.usage?.input_tokens).toBe(10);
  });

  it("reports a cut-off answer as incomplete", async () => {
    const response = await client.responses.create({
      model: "gpt-4o",
      input: "a long answer with many many words",
      max_output_tokens: 2,
    });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  it("sends text.format json_schema as response_format", async () => {
    await client.responses.create({
      model: "gpt-4o",
      input: "json please",
      text: {
        format: {
          type: "json_schema",
          name: "answer",
          schema: { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          strict: true,
        },
      },
    });
    expect(lastUpstreamBody()["response_format"]).toEqual({
      type: "json_schema",
      json_schema: {
        name: "answer",
        schema: { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        strict: true,
      },
    });
  });

  it("refuses previous_response_id with a clear 400", async () => {
    const error = await client.responses
      .create({ model: "gpt-4o", input: "again", previous_response_id: "resp_abc" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.status).toBe(400);
    expect(bad.param).toBe("previous_response_id");
    expect(bad.message).toMatch(/previous_response_id is not supported yet/);
    expect(upstream.requests).toHaveLength(0);
  });

  it("names an unsupported input item in a 400", async () => {
    const error = await client.responses
      .create({ model: "gpt-4o", input: [{ type: "item_reference", id: "msg_1" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("input[0].type");
  });

  it("ends a stream that fails midway with response.failed and an error the SDK raises", async () => {
    const chunks = openaiChunks({
      content: ["partial ", "answer"],
      finishReason: null,
      done: false,
    });
    // The role chunk and first words arrive, then the upstream reports an error in the stream.
    upstream.enqueue(
      sse([...chunks, JSON.stringify(openaiErrorBody(500))], {
        delayMs: 20,
      }),
    );
    const stream = await client.responses.create({ model: "gpt-4o", input: "x", stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of stream) events.push(event);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const failed = events.find((event) => event.type === "response.failed");
    expect(failed).toMatchObject({
      response: {
        status: "failed",
        error: { code: "server_error" },
        output: [{ type: "message", status: "incomplete" }],
      },
    });
    expect(events.map((event) => event.type)).toContain("response.output_text.delta");
  });
});
