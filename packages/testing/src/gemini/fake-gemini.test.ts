import { afterEach, describe, expect, it } from "vitest";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest, type RawResponse } from "../http-client/raw-request.ts";
import { startFakeGemini, startFakeVertexAi } from "./fake-gemini.ts";
import { geminiResponse } from "./gemini-response.ts";
import { geminiSse, geminiStreamError } from "./gemini-sse.ts";
import { geminiContextLengthError, geminiRateLimitError } from "./google-error.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const KEY = "AIzaSyFakeKey-0123456789abcdefghijk";
const headers = { "x-goog-api-key": KEY };
const post = (path: string, body: unknown, extraHeaders: Record<string, string> = headers) =>
  rawRequest(`${fake!.url}${path}`, {
    method: "POST",
    body: body as object,
    headers: extraHeaders,
  });
const user = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }] });
const json = (res: RawResponse) => JSON.parse(res.text()) as Record<string, any>;

/** Splits a Gemini SSE body into payloads, checking the CRLF framing on the way. */
function ssePayloads(res: RawResponse): Record<string, any>[] {
  const text = res.text();
  expect(text.endsWith("\r\n\r\n")).toBe(true);
  expect(text).not.toContain("[DONE]");
  const events = text.slice(0, -4).split("\r\n\r\n");
  for (const event of events) expect(event).toMatch(/^data: \{[^\r\n]+\}$/);
  return events.map((event) => JSON.parse(event.slice("data: ".length)));
}

describe("fake Gemini API", () => {
  it("answers generateContent with an echo, usage and ids", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const res = await post("/v1beta/models/gemini-2.0-flash:generateContent", {
      systemInstruction: { parts: [{ text: "Be brief." }] },
      ...user("hello there"),
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    const body = json(res);
    expect(body.candidates).toEqual([
      {
        content: { parts: [{ text: "echo: hello there" }], role: "model" },
        finishReason: "STOP",
        index: 0,
      },
    ]);
    expect(body.usageMetadata).toMatchObject({
      promptTokenCount: 4,
      candidatesTokenCount: 3,
      totalTokenCount: 7,
    });
    expect(body.modelVersion).toBe("gemini-2.0-flash");
    expect(body.responseId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it("streams SSE with CRLF framing, cumulative usage and finishReason last", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const res = await post(
      "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
      user("one two"),
    );
    expect(res.headers["content-type"]).toBe("text/event-stream");
    const events = ssePayloads(res);
    expect(events.map((e) => e.candidates[0].content.parts[0].text).join("")).toBe("echo: one two");
    expect(events.slice(0, -1).every((e) => e.candidates[0].finishReason === undefined)).toBe(true);
    expect(events.at(-1)?.candidates[0].finishReason).toBe("STOP");
    expect(events.map((e) => e.usageMetadata.candidatesTokenCount)).toEqual([1, 2, 3]);
    expect(new Set(events.map((e) => e.responseId)).size).toBe(1);
  });

  it("streams a JSON array without alt=sse", async () => {
    fake = await startFakeGemini();
    const res = await post("/v1beta/models/gemini-2.0-flash:streamGenerateContent", user("x"));
    const array = JSON.parse(res.text()) as unknown[];
    expect(array.length).toBe(2);
  });

  it("checks the key like Google: none is 403, a wrong one 400 API_KEY_INVALID, ?key= works", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const none = await post("/v1beta/models/gemini-2.0-flash:generateContent", user("x"), {});
    expect(none.status).toBe(403);
    expect(json(none).error.status).toBe("PERMISSION_DENIED");
    const wrong = await post("/v1beta/models/gemini-2.0-flash:generateContent", user("x"), {
      "x-goog-api-key": "nope",
    });
    expect(wrong.status).toBe(400);
    expect(json(wrong).error.details[0].reason).toBe("API_KEY_INVALID");
    // Google's error bodies are pretty-printed.
    expect(wrong.text()).toContain('{\n  "error": {\n    "code": 400');
    const query = await post(
      `/v1beta/models/gemini-2.0-flash:generateContent?key=${KEY}`,
      user("x"),
      {},
    );
    expect(query.status).toBe(200);
  });

  it("calls the functions the prompt names, with arguments from the schema, and echoes tool results", async () => {
    fake = await startFakeGemini();
    const tools = [
      {
        functionDeclarations: [
          {
            name: "get_weather",
            parameters: {
              type: "OBJECT",
              properties: { city: { type: "STRING" }, unit: { type: "STRING", enum: ["c", "f"] } },
              required: ["city", "unit"],
            },
          },
          { name: "get_time" },
        ],
      },
    ];
    const calls = json(
      await post("/v1beta/models/gemini-2.5-flash:generateContent", {
        ...user("use get_weather and get_time"),
        tools,
      }),
    );
    expect(calls.candidates[0].content.parts).toEqual([
      { functionCall: { name: "get_weather", args: { city: "example", unit: "c" } } },
      { functionCall: { name: "get_time" } },
    ]);
    expect(calls.candidates[0].finishReason).toBe("STOP");

    const answer = json(
      await post("/v1beta/models/gemini-2.5-flash:generateContent", {
        contents: [
          { role: "user", parts: [{ text: "use get_time" }] },
          { role: "model", parts: [{ functionCall: { name: "get_time", args: {} } }] },
          {
            role: "user",
            parts: [{ functionResponse: { name: "get_time", response: { content: "noon" } } }],
          },
        ],
        tools,
      }),
    );
    expect(answer.candidates[0].content.parts[0].text).toBe('echo: get_time {"content":"noon"}');

    const forced = json(
      await post("/v1beta/models/gemini-2.5-flash:generateContent", {
        ...user("hello"),
        tools,
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_time"] } },
      }),
    );
    expect(forced.candidates[0].content.parts).toEqual([{ functionCall: { name: "get_time" } }]);
  });

  it("rejects what the real API rejects: empty text parts, empty parts, non-object function responses", async () => {
    fake = await startFakeGemini();
    const path = "/v1beta/models/gemini-2.0-flash:generateContent";
    expect((await post(path, user(""))).status).toBe(400);
    expect((await post(path, { contents: [{ role: "user", parts: [] }] })).status).toBe(400);
    expect((await post(path, { contents: [] })).status).toBe(400);
    const bad = await post(path, {
      contents: [{ role: "user", parts: [{ functionResponse: { name: "f", response: "text" } }] }],
    });
    expect(json(bad).error.status).toBe("INVALID_ARGUMENT");
  });

  it("signs Gemini 3 calls and rejects a replayed call without its signature", async () => {
    fake = await startFakeGemini();
    const tools = [{ functionDeclarations: [{ name: "get_time" }] }];
    const first = json(
      await post("/v1beta/models/gemini-3-pro-preview:generateContent", {
        ...user("get_time please"),
        tools,
      }),
    );
    const part = first.candidates[0].content.parts[0];
    expect(typeof part.thoughtSignature).toBe("string");
    const replay = (signature?: string) =>
      post("/v1beta/models/gemini-3-pro-preview:generateContent", {
        contents: [
          { role: "user", parts: [{ text: "get_time please" }] },
          {
            role: "model",
            parts: [
              {
                functionCall: part.functionCall,
                ...(signature === undefined ? {} : { thoughtSignature: signature }),
              },
            ],
          },
          {
            role: "user",
            parts: [{ functionResponse: { name: "get_time", response: { content: "noon" } } }],
          },
        ],
        tools,
      });
    const unsigned = await replay();
    expect(unsigned.status).toBe(400);
    expect(json(unsigned).error.message).toContain("missing a thought_signature");
    expect((await replay(part.thoughtSignature)).status).toBe(200);
  });

  it("honours maxOutputTokens, stopSequences, candidateCount, JSON output and thoughts", async () => {
    fake = await startFakeGemini();
    const path = "/v1beta/models/gemini-2.5-flash:generateContent";
    const cut = json(
      await post(path, { ...user("a b c d"), generationConfig: { maxOutputTokens: 2 } }),
    );
    expect(cut.candidates[0]).toMatchObject({
      finishReason: "MAX_TOKENS",
      content: { parts: [{ text: "echo: a" }] },
    });
    const two = json(
      await post(path, {
        ...user("x"),
        generationConfig: { candidateCount: 2, stopSequences: [":"] },
      }),
    );
    expect(two.candidates.map((c: any) => [c.index, c.content.parts[0].text])).toEqual([
      [0, "echo"],
      [1, "echo"],
    ]);
    const structured = json(
      await post(path, {
        ...user("x"),
        generationConfig: { responseMimeType: "application/json" },
      }),
    );
    expect(JSON.parse(structured.candidates[0].content.parts[0].text)).toEqual({ echo: "echo: x" });
    const thinking = json(
      await post(path, {
        ...user("x"),
        generationConfig: { thinkingConfig: { includeThoughts: true } },
      }),
    );
    expect(thinking.candidates[0].content.parts[0].thought).toBe(true);
    expect(thinking.usageMetadata.thoughtsTokenCount).toBeGreaterThan(0);
  });

  it("embeds one text or a batch, deterministically, with outputDimensionality", async () => {
    fake = await startFakeGemini();
    const one = json(
      await post("/v1beta/models/gemini-embedding-001:embedContent", {
        model: "models/gemini-embedding-001",
        content: { parts: [{ text: "hi" }] },
        outputDimensionality: 4,
      }),
    );
    expect(one.embedding.values).toHaveLength(4);
    const batch = json(
      await post("/v1beta/models/text-embedding-004:batchEmbedContents", {
        requests: ["hi", "yo"].map((text) => ({
          model: "models/text-embedding-004",
          content: { parts: [{ text }] },
        })),
      }),
    );
    expect(batch.embeddings.map((e: any) => e.values.length)).toEqual([768, 768]);
    const mismatch = await post("/v1beta/models/text-embedding-004:batchEmbedContents", {
      requests: [{ model: "models/other", content: { parts: [{ text: "hi" }] } }],
    });
    expect(mismatch.status).toBe(400);
  });

  it("serves scripted answers and errors, and 404s unknown models", async () => {
    fake = await startFakeGemini({ models: ["gemini-2.0-flash"] });
    fake.enqueue(
      geminiRateLimitError({ retryDelaySeconds: 7 }),
      geminiContextLengthError(),
      geminiSse([
        geminiResponse({ text: "par" }),
        geminiStreamError(503, { message: "The model is overloaded." }),
      ]),
    );
    const limited = await post("/v1beta/models/gemini-2.0-flash:generateContent", user("x"));
    expect(limited.status).toBe(429);
    expect(json(limited).error.details.at(-1)).toEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "7s",
    });
    expect(limited.headers["retry-after"]).toBeUndefined();
    expect(
      json(await post("/v1beta/models/gemini-2.0-flash:generateContent", user("x"))).error.message,
    ).toMatch(/exceeds the maximum number of tokens allowed/);
    const midStream = await post(
      "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
      user("x"),
    );
    expect(ssePayloads(midStream)[1]).toEqual({
      error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" },
    });
    const unknown = await post("/v1beta/models/gemini-9:generateContent", user("x"));
    expect(unknown.status).toBe(404);
    expect(json(unknown).error.status).toBe("NOT_FOUND");
  });
});

describe("fake Vertex AI", () => {
  const path =
    "/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash";

  it("answers on the publisher model path with Bearer auth and createTime", async () => {
    fake = await startFakeVertexAi({ accessToken: "ya29.token", project: "my-project" });
    const ok = await post(`${path}:generateContent`, user("hi"), {
      authorization: "Bearer ya29.token",
    });
    expect(ok.status).toBe(200);
    expect(json(ok)).toMatchObject({
      modelVersion: "gemini-2.5-flash",
      createTime: expect.any(String),
    });
    const stream = await post(`${path}:streamGenerateContent?alt=sse`, user("hi"), {
      authorization: "Bearer ya29.token",
    });
    expect(ssePayloads(stream).at(-1)?.candidates[0].finishReason).toBe("STOP");
  });

  it("answers Vertex's 401s and 403", async () => {
    fake = await startFakeVertexAi({ accessToken: "ya29.token", project: "my-project" });
    const missing = await post(`${path}:generateContent`, user("hi"), {});
    expect(missing.status).toBe(401);
    expect(json(missing).error).toMatchObject({
      status: "UNAUTHENTICATED",
      details: [{ reason: "CREDENTIALS_MISSING" }],
    });
    const wrong = await post(`${path}:generateContent`, user("hi"), {
      authorization: "Bearer other",
    });
    expect(json(wrong).error.details[0].reason).toBe("ACCESS_TOKEN_TYPE_UNSUPPORTED");
    const otherProject = await post(
      "/v1/projects/theirs/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
      user("hi"),
      { authorization: "Bearer ya29.token" },
    );
    expect(otherProject.status).toBe(403);
  });
});
