import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../__fixtures__/start-local-server.ts";
import { callChat } from "../../call/call-chat.ts";
import type { ChatStreamPart } from "../../call/call-result.ts";
import {
  ContextWindowExceededError,
  RateLimitError,
  ServiceUnavailableError,
} from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { ProviderRegistry } from "../../provider/registry.ts";
import { createUndiciTransport } from "../../transport/undici-transport.ts";
import { deployment, readFixture } from "./__fixtures__/fixtures.ts";
import { anthropicProvider } from "./anthropic-provider.ts";

/** The adapter through the real call path: undici, the SSE decoder, chat stream parts. */
const transport = createUndiciTransport();
const registry = new ProviderRegistry([anthropicProvider]);
let server: LocalServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => transport.close());

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: "claude",
  messages: [{ role: "user", content: "Hi" }],
  ...extra,
});

function call(extra: Partial<ChatCompletionRequest> = {}) {
  return callChat({
    registry,
    deployment: deployment({ apiBase: server!.origin }),
    request: request(extra),
    callId: "call-e2e",
    transport,
  });
}

async function collect(parts: AsyncIterable<ChatStreamPart>) {
  const chunks = [];
  for await (const part of parts) chunks.push(...part.chunks);
  return chunks;
}

describe("anthropic through callChat", () => {
  it("sends the Messages request and parses the answer", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "request-id": "req_1" });
      res.end(readFixture("tool-use-response.json"));
    });
    const result = await call();
    expect(result.kind).toBe("response");
    if (result.kind !== "response") return;
    expect(result.completion.choices[0]?.finish_reason).toBe("tool_calls");
    const sent = server.requests[0]!;
    expect(sent.url).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("sk-ant-api03-test-key-0000000000");
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(JSON.parse(sent.body)).toMatchObject({
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 64_000,
    });
  });

  it("streams, with events cut across TCP writes, to chunks ending with usage", async () => {
    const body = Buffer.from(readFixture("unicode-stream.sse"));
    server = await startLocalServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let offset = 0; offset < body.length; offset += 5) {
        res.write(body.subarray(offset, offset + 5));
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    });
    const result = await call({ stream: true });
    if (result.kind !== "stream") throw new Error("expected a stream");
    const chunks = await collect(result.parts);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "Grüße 👋🏽 你好，世界 — ok",
    );
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 14 });
  });

  it("throws the mid-stream error after the text so far", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(readFixture("error-mid-stream.sse"));
    });
    const result = await call({ stream: true });
    if (result.kind !== "stream") throw new Error("expected a stream");
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const part of result.parts) {
          for (const chunk of part.chunks) seen.push(chunk.choices[0]?.delta.content ?? "");
        }
      })(),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(seen.join("")).toBe("Partial ans");
  });

  it.each([
    [429, "error-rate-limit.json", { "retry-after": "7" }, RateLimitError],
    [529, "error-overloaded.json", {}, ServiceUnavailableError],
    [400, "error-context-length.json", {}, ContextWindowExceededError],
  ] as const)("maps HTTP %i to the typed error", async (status, fixture, headers, type) => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(readFixture(fixture));
    });
    await expect(call()).rejects.toBeInstanceOf(type);
  });
});
