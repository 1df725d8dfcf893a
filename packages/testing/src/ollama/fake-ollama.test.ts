import { afterEach, describe, expect, it } from "vitest";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest, type RawResponse } from "../http-client/raw-request.ts";
import { startFakeOllama } from "./fake-ollama.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(`${fake!.url}${path}`, { method: "POST", body: body as object, headers });
const json = (res: RawResponse) => JSON.parse(res.text()) as Record<string, any>;
const lines = (res: RawResponse) =>
  res
    .text()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, any>);
const user = (content: string) => ({ model: "llama3.2", messages: [{ role: "user", content }] });

describe("fake Ollama server", () => {
  it("streams NDJSON by default, ending with a done line that carries the metrics", async () => {
    fake = await startFakeOllama();
    const res = await post("/api/chat", user("hi"));
    expect(res.headers["content-type"]).toBe("application/x-ndjson");
    const stream = lines(res);
    expect(stream.map((line) => [line.message.content, line.done])).toEqual([
      ["echo:", false],
      [" hi", false],
      ["", true],
    ]);
    expect(stream.at(-1)).toMatchObject({
      done_reason: "stop",
      prompt_eval_count: 1,
      eval_count: 2,
    });
    expect(stream[0]?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it("answers one object with stream: false, tool calls as objects without ids", async () => {
    fake = await startFakeOllama();
    const tools = [
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ];
    const body = json(await post("/api/chat", { ...user("get_weather"), tools, stream: false }));
    expect(body).toMatchObject({
      done: true,
      done_reason: "stop",
      message: {
        role: "assistant",
        content: "",
        tool_calls: [
          { function: { index: 0, name: "get_weather", arguments: { city: "example" } } },
        ],
      },
    });
    expect(body.message.tool_calls[0]).not.toHaveProperty("id");
  });

  it("refuses what Ollama refuses", async () => {
    fake = await startFakeOllama({ models: ["llama3.2"] });
    const missing = await post("/api/chat", { ...user("hi"), model: "nope", stream: false });
    expect([missing.status, json(missing)]).toEqual([404, { error: "model 'nope' not found" }]);
    const dataUrl = await post("/api/chat", {
      model: "llama3.2",
      messages: [{ role: "user", content: "x", images: ["data:image/png;base64,AAAA"] }],
    });
    expect([dataUrl.status, json(dataUrl).error]).toEqual([
      400,
      "illegal base64 data at input byte 4",
    ]);
    const stringArgs = await post("/api/chat", {
      model: "llama3.2",
      messages: [
        {
          role: "assistant",
          content: "",
          tool_calls: [{ function: { name: "f", arguments: "{}" } }],
        },
      ],
    });
    expect(stringArgs.status).toBe(400);
    expect((await post("/api/generate", user("hi"))).status).toBe(404);
    expect((await post("/api/chat", { messages: [] })).status).toBe(400);
  });

  it("treats an empty message list as a load request", async () => {
    fake = await startFakeOllama();
    expect(
      json(await post("/api/chat", { model: "llama3.2", messages: [], stream: false })),
    ).toMatchObject({
      done: true,
      done_reason: "load",
    });
  });

  it("embeds strings and lists, and checks a Bearer key only when configured", async () => {
    fake = await startFakeOllama({ apiKey: "k" });
    expect((await post("/api/embed", { model: "all-minilm", input: "a" })).status).toBe(401);
    const body = json(
      await post(
        "/api/embed",
        { model: "all-minilm", input: ["a", "b c"] },
        { authorization: "Bearer k" },
      ),
    );
    expect(body.embeddings).toHaveLength(2);
    expect(body.prompt_eval_count).toBe(3);
  });
});
