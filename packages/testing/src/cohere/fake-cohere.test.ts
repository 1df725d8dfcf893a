import { afterEach, describe, expect, it } from "vitest";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest, type RawResponse } from "../http-client/raw-request.ts";
import { startFakeCohere } from "./fake-cohere.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const KEY = "co-fake-key";
const post = (
  path: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `bearer ${KEY}` },
) => rawRequest(`${fake!.url}${path}`, { method: "POST", body: body as object, headers });
const json = (res: RawResponse) => JSON.parse(res.text()) as Record<string, any>;
const user = (content: string) => ({
  model: "command-a-03-2025",
  messages: [{ role: "user", content }],
});

/** Splits a Cohere SSE body into [event name, payload] pairs, checking the framing. */
function events(res: RawResponse): [string, Record<string, any>][] {
  const text = res.text();
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((block) => {
      const match = /^event: (\S+)\ndata: (\{.*\})$/.exec(block);
      expect(match).not.toBeNull();
      const payload = JSON.parse(match![2]!) as Record<string, any>;
      expect(payload.type).toBe(match![1]);
      return [match![1]!, payload];
    });
}

describe("fake Cohere API", () => {
  it("checks the Bearer key the way Cohere does", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const missing = await post("/v2/chat", user("hi"), {});
    expect([missing.status, json(missing).message]).toEqual([401, "no api key supplied"]);
    const wrong = await post("/v2/chat", user("hi"), { authorization: "Bearer nope" });
    expect([wrong.status, json(wrong).message]).toEqual([401, "invalid api token"]);
    expect((await post("/v2/chat", user("hi"))).status).toBe(200);
  });

  it("answers a v2 chat response", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const body = json(await post("/v2/chat", user("hello there")));
    expect(body).toMatchObject({
      finish_reason: "COMPLETE",
      message: { role: "assistant", content: [{ type: "text", text: "echo: hello there" }] },
      usage: { billed_units: { input_tokens: 2, output_tokens: 3 }, tokens: { output_tokens: 3 } },
    });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("streams named events in Cohere's order", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const res = await post("/v2/chat", { ...user("hi"), stream: true });
    expect(res.headers["content-type"]).toBe("text/event-stream");
    const stream = events(res);
    expect(stream.map(([name]) => name)).toEqual([
      "message-start",
      "content-start",
      "content-delta",
      "content-delta",
      "content-end",
      "message-end",
    ]);
    expect(stream[2]?.[1].delta.message.content.text).toBe("echo:");
    expect(stream.at(-1)?.[1].delta.finish_reason).toBe("COMPLETE");
  });

  it("streams tool calls with a single tool_calls object per event", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const tools = [
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ];
    const stream = events(
      await post("/v2/chat", { ...user("get_weather now"), tools, stream: true }),
    );
    const names = stream.map(([name]) => name);
    expect(names.slice(0, 2)).toEqual(["message-start", "tool-plan-delta"]);
    const start = stream.find(([name]) => name === "tool-call-start")![1];
    expect(start).toMatchObject({
      index: 0,
      delta: {
        message: {
          tool_calls: { type: "function", function: { name: "get_weather", arguments: "" } },
        },
      },
    });
    const args = stream
      .filter(([name]) => name === "tool-call-delta")
      .map(([, payload]) => payload.delta.message.tool_calls.function.arguments)
      .join("");
    expect(args).toBe('{"city":"example"}');
    expect(stream.at(-1)?.[1].delta.finish_reason).toBe("TOOL_CALL");
  });

  it("refuses what Cohere refuses", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const unknownField = await post("/v2/chat", { ...user("hi"), top_p: 0.5 });
    expect(unknownField.status).toBe(400);
    const orphan = await post("/v2/chat", {
      model: "command-a-03-2025",
      messages: [
        { role: "user", content: "x" },
        { role: "tool", tool_call_id: "nope", content: "r" },
      ],
    });
    expect([orphan.status, json(orphan).message]).toEqual([
      400,
      "tool call id not found in previous tool calls",
    ]);
    const lateSystem = await post("/v2/chat", {
      model: "command-a-03-2025",
      messages: [
        { role: "user", content: "x" },
        { role: "system", content: "s" },
      ],
    });
    expect(json(lateSystem).message).toBe("system turn must be the first in the list");
    expect((await post("/v1/chat", user("hi"))).status).toBe(404);
  });

  it("embeds texts and requires input_type", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const ok = json(
      await post("/v2/embed", {
        model: "embed-v4.0",
        texts: ["a", "b"],
        input_type: "search_query",
        embedding_types: ["float"],
      }),
    );
    expect(ok.embeddings.float).toHaveLength(2);
    expect(ok.meta.billed_units.input_tokens).toBe(2);
    const missing = await post("/v2/embed", {
      model: "embed-v4.0",
      texts: ["a"],
      embedding_types: ["float"],
    });
    expect(json(missing).message).toBe(
      "invalid request: valid input_type must be provided with the provided model",
    );
  });
});
