import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../__fixtures__/start-local-server.ts";
import { InvalidRequestError, RateLimitError } from "../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import { completion } from "./completion.ts";
import { embedding } from "./embedding.ts";
import { closeSharedTransport } from "./shared-transport.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../providers/openai/__fixtures__/${name}`, import.meta.url));

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => closeSharedTransport());

const messages = [{ role: "user" as const, content: "Hi" }];

async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe("completion()", () => {
  it("calls an OpenAI-compatible server with the key and base passed in", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(fixture("chat-completion-text.json"));
    });
    const answer = await completion({
      model: "openai/gpt-4o-mini",
      messages,
      api_key: "sk-sdk-123456",
      api_base: `${server.origin}/v1`,
      temperature: 0.5,
      seed: 7,
    });
    expect(answer.choices[0]?.message.content).toBe("Grüße aus Bergen 🌊");
    const sent = server.requests[0];
    expect(sent?.url).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe("Bearer sk-sdk-123456");
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      model: "gpt-4o-mini",
      messages,
      temperature: 0.5,
      seed: 7,
    });
  });

  it("streams chunks and drops the usage chunk it asked for on the caller's behalf", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(fixture("chat-stream-text.sse"));
    });
    const stream = await completion({
      model: "openai/gpt-4o",
      messages,
      api_base: `${server.origin}/v1`,
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Grüße aus 東京 🌊");
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    expect(JSON.parse(server.requests[0]?.body ?? "").stream_options).toEqual({
      include_usage: true,
    });
  });

  it("keeps the usage chunk when the caller asked for it", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(fixture("chat-stream-text.sse"));
    });
    const chunks = await collect(
      await completion({
        model: "gpt-4o",
        messages,
        base_url: `${server.origin}/v1`,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(17);
  });

  it("throws the mapped upstream error", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "3" });
      res.end(fixture("error-429-rate-limit.json"));
    });
    const error = await completion({
      model: "openai/gpt-4o",
      messages,
      api_base: `${server.origin}/v1`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3000);
  });

  it("rejects invalid params with a 400 naming the field", async () => {
    const error = await completion({ model: "openai/gpt-4o", messages, temperature: 7 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).param).toBe("temperature");
  });

  it("answers from the mock without a server", async () => {
    const answer = await completion({ model: "mock/test", messages, mock_response: "pong" });
    expect(answer.choices[0]?.message.content).toBe("pong");
    const chunks = await collect(
      await completion({ model: "openai/gpt-4o", messages, mock_response: "a b c", stream: true }),
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("a b c");
  });
});

describe("embedding()", () => {
  it("calls /embeddings", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(fixture("embeddings.json"));
    });
    const response = await embedding({
      model: "openai/text-embedding-3-small",
      input: ["a", "b"],
      api_key: "sk-emb-123456",
      api_base: `${server.origin}/v1`,
    });
    expect(response.data).toHaveLength(2);
    expect(server.requests[0]?.url).toBe("/v1/embeddings");
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({
      model: "text-embedding-3-small",
      input: ["a", "b"],
    });
  });
});
