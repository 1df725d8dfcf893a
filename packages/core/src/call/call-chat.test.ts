import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closed, startLocalServer, type LocalServer } from "../__fixtures__/start-local-server.ts";
import {
  GatewayError,
  InvalidRequestError,
  RateLimitError,
  TimeoutError,
  UpstreamError,
} from "../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { ProviderAdapter } from "../provider/adapter.ts";
import type { ProviderDeployment } from "../provider/deployment.ts";
import { ProviderRegistry } from "../provider/registry.ts";
import { defaultProviders } from "../providers/default-providers.ts";
import { createOpenAICompatibleProvider } from "../providers/openai-compatible/openai-compatible-provider.ts";
import { createUndiciTransport } from "../transport/undici-transport.ts";
import type { ChatCallResult, ChatStreamPart, ChatStreamResult } from "./call-result.ts";
import { callChat, type CallChatOptions } from "./call-chat.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../providers/openai/__fixtures__/${name}`, import.meta.url));

const transport = createUndiciTransport();
let server: LocalServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => transport.close());

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: "gpt-4o",
  messages: [{ role: "user", content: "Where is the tide?" }],
  ...extra,
});

function options(overrides: Partial<CallChatOptions> & { apiBase?: string } = {}): CallChatOptions {
  const { apiBase, ...rest } = overrides;
  const deployment: ProviderDeployment = {
    provider: "openai",
    model: "gpt-4o-2024-08-06",
    apiKey: "sk-test-abcdefgh",
    apiBase: apiBase ?? `${server?.origin}/v1`,
    params: {},
  };
  return {
    registry: defaultProviders(),
    deployment,
    request: request(),
    callId: "call-1",
    transport,
    ...rest,
  };
}

function asStream(result: ChatCallResult): ChatStreamResult {
  if (result.kind !== "stream") throw new Error("expected a stream");
  return result;
}

async function collect(parts: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const out: ChatStreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/** Writes `bytes` in uneven pieces with pauses, so reads split mid-event and mid-character. */
async function writeInPieces(
  res: import("node:http").ServerResponse,
  bytes: Buffer,
): Promise<void> {
  const sizes = [5, 97, 1, 300, 13];
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    res.write(bytes.subarray(offset, offset + size));
    offset += size;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  res.end();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("callChat against a real HTTP upstream", () => {
  it("returns a non-streamed completion with the exact upstream body", async () => {
    const body = fixture("chat-completion-tool-call.json").toString("utf8");
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "X-Request-Id": "req_42" });
      res.end(body);
    });
    const result = await callChat(
      options({ request: request({ temperature: 0.3, mock_response: null }) }),
    );
    expect(result.kind).toBe("response");
    if (result.kind !== "response") return;
    expect(result.rawBody).toBe(body);
    expect(result.completion.choices[0]?.message.tool_calls?.[0]?.function.name).toBe(
      "lookup_tide",
    );
    expect(result.upstreamHeaders["x-request-id"]).toBe("req_42");

    const sent = server.requests[0];
    expect(sent?.url).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe("Bearer sk-test-abcdefgh");
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      model: "gpt-4o-2024-08-06",
      messages: [{ role: "user", content: "Where is the tide?" }],
      temperature: 0.3,
    });
  });

  it("relays a stream byte-for-byte when the client asked for usage", async () => {
    const bytes = fixture("chat-stream-text.sse");
    server = await startLocalServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      await writeInPieces(res, bytes);
    });
    const result = asStream(
      await callChat(
        options({ request: request({ stream: true, stream_options: { include_usage: true } }) }),
      ),
    );
    expect(result.passthrough).toBe(true);
    const parts = await collect(result.parts);
    expect(parts.every((part) => part.raw instanceof Uint8Array)).toBe(true);
    expect(Buffer.concat(parts.map((part) => part.raw as Uint8Array)).equals(bytes)).toBe(true);

    const chunks = parts.flatMap((part) => part.chunks);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Grüße aus 東京 🌊");
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(17);
    expect(JSON.parse(server.requests[0]?.body ?? "").stream_options).toEqual({
      include_usage: true,
    });
  });

  it("asks upstream for usage when the client did not, and re-encodes", async () => {
    const bytes = fixture("chat-stream-tool-calls.sse");
    server = await startLocalServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      await writeInPieces(res, bytes);
    });
    const result = asStream(await callChat(options({ request: request({ stream: true }) })));
    expect(result.passthrough).toBe(false);
    expect(JSON.parse(server.requests[0]?.body ?? "").stream_options).toEqual({
      include_usage: true,
    });
    const parts = await collect(result.parts);
    expect(parts.some((part) => part.raw !== undefined)).toBe(false);
    const chunks = parts.flatMap((part) => part.chunks);
    expect(chunks).toHaveLength(7);
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage?.prompt_tokens).toBe(58);
  });

  it("throws a retryable UpstreamError for an upstream 500", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(
        '{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}',
      );
    });
    const error = await callChat(options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      status: 500,
      retryable: true,
      provider: "openai",
      upstreamStatus: 500,
    });
  });

  it("throws the mapped error for a streamed call answered with a 429", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
      res.end(fixture("error-429-rate-limit.json"));
    });
    const error = await callChat(options({ request: request({ stream: true }) })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(7000);
  });

  it("times out a non-streamed call and closes the upstream socket", async () => {
    let upstreamClosed: Promise<void> | undefined;
    server = await startLocalServer((_req, res) => {
      upstreamClosed = closed(res);
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":'); // ...and never finishes
    });
    // The upstream never finishes, so only the 150 ms deadline can end this call.
    const error = await callChat(options({ timeoutMs: 150 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/timed out after 150 ms/);
    await upstreamClosed;
  });

  it("times out a stream whose headers do not come", async () => {
    server = await startLocalServer(() => {});
    const error = await callChat(
      options({ request: request({ stream: true }), timeoutMs: 100 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("times out a stalled stream between chunks and closes the upstream socket", async () => {
    let upstreamClosed: Promise<void> | undefined;
    server = await startLocalServer((_req, res) => {
      upstreamClosed = closed(res);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(fixture("chat-stream-text.sse").toString("utf8").split("\n\n")[0] + "\n\n");
    });
    const result = asStream(
      await callChat(
        options({ request: request({ stream: true }), timeoutMs: 5000, streamTimeoutMs: 150 }),
      ),
    );
    const seen: ChatStreamPart[] = [];
    const error = await (async () => {
      for await (const part of result.parts) seen.push(part);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(TimeoutError);
    await upstreamClosed;
  });

  it("aborts the upstream when the consumer stops reading", async () => {
    let upstreamClosed: Promise<void> | undefined;
    server = await startLocalServer(async (_req, res) => {
      upstreamClosed = closed(res);
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = fixture("chat-stream-text.sse").toString("utf8").split("\n\n")[1] + "\n\n";
      while (!res.destroyed) {
        res.write(chunk);
        await sleep(10);
      }
    });
    const result = asStream(await callChat(options({ request: request({ stream: true }) })));
    for await (const part of result.parts) {
      expect(part.chunks.length).toBeGreaterThan(0);
      break;
    }
    await upstreamClosed;
  });

  it("aborts the upstream when the consumer gives up before reading at all", async () => {
    let upstreamClosed: Promise<void> | undefined;
    server = await startLocalServer((_req, res) => {
      upstreamClosed = closed(res);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(": keep-alive\n\n");
    });
    const result = asStream(await callChat(options({ request: request({ stream: true }) })));
    await result.parts[Symbol.asyncIterator]().return?.();
    await upstreamClosed;
  });

  it("fails a stream that ends before it finished", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const events = fixture("chat-stream-text.sse").toString("utf8").split("\n\n");
      res.end(`${events[0]}\n\n${events[1]}\n\n`);
    });
    const result = asStream(await callChat(options({ request: request({ stream: true }) })));
    const seen: ChatStreamPart[] = [];
    const error = await (async () => {
      for await (const part of result.parts) seen.push(part);
    })().catch((e: unknown) => e);
    expect(seen.flatMap((p) => p.chunks)).toHaveLength(2);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("stream_truncated");
  });

  it("fails a stream that dies mid-way", async () => {
    server = await startLocalServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(fixture("chat-stream-text.sse").toString("utf8").split("\n\n")[0] + "\n\n");
      await sleep(20);
      res.socket?.destroy();
    });
    const result = asStream(await callChat(options({ request: request({ stream: true }) })));
    const error = await collect(result.parts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
  });

  it("throws the mapped error of a mid-stream error event after the parts before it", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const first = fixture("chat-stream-text.sse").toString("utf8").split("\n\n")[0];
      res.end(`${first}\n\ndata: {"error":{"message":"Rate limited mid-way","code":429}}\n\n`);
    });
    const result = asStream(await callChat(options({ request: request({ stream: true }) })));
    const seen: ChatStreamPart[] = [];
    const error = await (async () => {
      for await (const part of result.parts) seen.push(part);
    })().catch((e: unknown) => e);
    expect(seen.flatMap((p) => p.chunks)).toHaveLength(1);
    expect(error).toBeInstanceOf(RateLimitError);
  });

  it("turns a refused connection into a retryable error", async () => {
    const probe = await startLocalServer(() => {});
    const origin = probe.origin;
    await probe.close();
    const error = await callChat(options({ apiBase: `${origin}/v1` })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryable).toBe(true);
  });

  it("rejects with the caller's abort reason", async () => {
    server = await startLocalServer(() => {});
    const controller = new AbortController();
    const reason = new DOMException("client disconnected", "AbortError");
    const pending = callChat(options({ signal: controller.signal }));
    await sleep(30);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe("callChat request checks", () => {
  const noNetwork = {
    send: () => Promise.reject(new Error("no network expected")),
    close: async () => {},
  };

  it("names an unknown provider", async () => {
    const error = await callChat({
      ...options({ apiBase: "http://unused" }),
      deployment: { provider: "nope", model: "x", params: {} },
      transport: noNetwork,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toContain('"nope"');
  });

  describe("unsupported params", () => {
    let captured: string | undefined;
    const capturing = {
      send: async (req: { body?: string | Uint8Array }) => {
        captured = req.body as string;
        const body = fixture("chat-completion-text.json").toString("utf8");
        return {
          status: 200,
          headers: {},
          body: (async function* () {})(),
          text: async () => body,
          dump: async () => {},
        };
      },
      close: async () => {},
    };
    const strict = createOpenAICompatibleProvider({
      id: "strictco",
      defaultApiBase: "http://strict.invalid/v1",
      unsupportedParams: ["logprobs", "logit_bias"],
    });
    const registry = new ProviderRegistry([strict]);
    const base = (dropParams: boolean): CallChatOptions => ({
      registry,
      deployment: { provider: "strictco", model: "m1", params: {}, dropParams },
      request: request({ logprobs: true, temperature: 1 }),
      callId: "c",
      transport: capturing,
    });

    it("rejects them with a 400 naming the param and provider", async () => {
      const error = await callChat(base(false)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toMatchObject({ status: 400, param: "logprobs", provider: "strictco" });
      expect((error as Error).message).toContain("strictco");
    });

    it("drops them with drop_params", async () => {
      await callChat(base(true));
      const body = JSON.parse(captured ?? "");
      expect(body).not.toHaveProperty("logprobs");
      expect(body.temperature).toBe(1);
    });
  });
});

describe("callChat with a transport that ignores the signal", () => {
  // A stalled body that never settles: only callChat's own timers can end the wait.
  const stalled = {
    send: async () => ({
      status: 200,
      headers: {},
      body: {
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<Uint8Array>>(() => {}),
        }),
      },
      text: () => new Promise<string>(() => {}),
      dump: async () => {},
    }),
    close: async () => {},
  };
  let registry: ProviderRegistry;
  beforeAll(() => {
    registry = defaultProviders();
  });

  it("never hangs a stream", async () => {
    const result = asStream(
      await callChat({
        registry,
        deployment: { provider: "openai", model: "m", params: {} },
        request: request({ stream: true }),
        callId: "c",
        transport: stalled,
        streamTimeoutMs: 50,
      }),
    );
    await expect(collect(result.parts)).rejects.toBeInstanceOf(TimeoutError);
  });

  it("bounds a stream by timeoutMs until its first chunk, not only until its headers", async () => {
    const result = asStream(
      await callChat({
        registry,
        deployment: { provider: "openai", model: "m", params: {} },
        request: request({ stream: true }),
        callId: "c",
        transport: stalled,
        timeoutMs: 50,
      }),
    );
    await expect(collect(result.parts)).rejects.toMatchObject({
      status: 408,
      message: "openai sent no first chunk within 50 ms",
    });
  });

  it("never hangs a non-streamed call", async () => {
    const pending = callChat({
      registry,
      deployment: { provider: "openai", model: "m", params: {} },
      request: request(),
      callId: "c",
      transport: stalled,
      timeoutMs: 50,
    });
    await expect(pending).rejects.toBeInstanceOf(TimeoutError);
  });
});
