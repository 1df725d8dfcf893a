import { InvalidRequestError, TimeoutError } from "../../errors/gateway-error.ts";
import type { UpstreamRequest } from "../../provider/adapter.ts";
import type { Transport, TransportOptions, TransportResponse } from "../../transport/transport.ts";
import { abortableSleep } from "./abortable-sleep.ts";
import { estimateMockTokens } from "./estimate-mock-tokens.ts";
import { mockCompletionBody, mockStreamEvents } from "./mock-chat-answer.ts";
import { mockEmbeddingVector, toBase64Float32 } from "./mock-embedding-vector.ts";
import { mockErrorResponse } from "./mock-error-response.ts";
import type { MockOptions } from "./mock-options.ts";

/** Carries the call's mock settings from the mock adapter to this transport. */
export const MOCK_OPTIONS_HEADER = "x-mock-options";

/** text-embedding-3-small's size, used when the request sets no `dimensions`. */
const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

export interface MockTransportOptions extends MockOptions {
  callId: string;
}

/**
 * An in-memory OpenAI server: it answers what the mock adapter built, so a mocked call runs
 * through the same request building, decoding, passthrough, timeout and abort paths as a real
 * one, and its failures through the same error mapping.
 */
export function createMockTransport(): Transport {
  return {
    async send(request: UpstreamRequest, options: TransportOptions = {}) {
      const { signal } = options;
      if (signal?.aborted) throw signal.reason;
      const mock = readMockOptions(request);
      const body = readBody(request);
      const stream = body.stream === true;

      if (mock.timeout) {
        // The call "hangs" until its deadline, like an upstream that never answers. Without a
        // deadline there is nothing to wait for, so it times out at once.
        if (options.headersTimeoutMs !== undefined) {
          await abortableSleep(options.headersTimeoutMs, signal);
        }
        throw new TimeoutError("This is a mock timeout error");
      }
      const failure = mockErrorResponse(mock.response, stream);
      if (failure !== undefined) {
        return fixedResponse(failure.status, failure.headers, failure.body);
      }
      if (mock.delayMs !== undefined) await abortableSleep(mock.delayMs, signal);

      const created = Math.floor(Date.now() / 1000);
      if (request.url.endsWith("/embeddings")) {
        return fixedResponse(200, jsonHeaders(mock.callId), mockEmbeddingsBody(body, mock));
      }
      const input = { body, options: mock, callId: mock.callId, created };
      if (!stream) return fixedResponse(200, jsonHeaders(mock.callId), mockCompletionBody(input));
      return streamResponse(mockStreamEvents(input), mock, signal);
    },
    async close() {},
  };
}

function readMockOptions(request: UpstreamRequest): MockTransportOptions {
  const header = request.headers[MOCK_OPTIONS_HEADER];
  if (header === undefined) return { callId: "mock" };
  return JSON.parse(header) as MockTransportOptions;
}

function readBody(request: UpstreamRequest): Record<string, unknown> {
  const text =
    typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new InvalidRequestError("The mock provider received a body that is not JSON");
  }
}

function mockEmbeddingsBody(body: Record<string, unknown>, mock: MockOptions): string {
  const inputs = embeddingInputs(body.input);
  const dimensions =
    typeof body.dimensions === "number" && body.dimensions > 0
      ? body.dimensions
      : DEFAULT_EMBEDDING_DIMENSIONS;
  // LiteLLM's mock embedding returns a fixed vector given as mock_response; keep that.
  const fixed =
    Array.isArray(mock.response) && mock.response.every((v) => typeof v === "number")
      ? (mock.response as number[])
      : undefined;
  const base64 = body.encoding_format === "base64";
  const tokens = inputs.reduce((sum, input) => sum + estimateMockTokens(input), 0);
  return JSON.stringify({
    object: "list",
    model: String(body.model),
    data: inputs.map((input, index) => {
      const vector = fixed ?? mockEmbeddingVector(input, dimensions);
      return { object: "embedding", index, embedding: base64 ? toBase64Float32(vector) : vector };
    }),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

/** Every input item as a string key: texts as-is, token arrays as their JSON. */
function embeddingInputs(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((item) => typeof item === "number")) return [JSON.stringify(input)];
  return input.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function jsonHeaders(callId: string): Record<string, string> {
  return { "content-type": "application/json", "x-request-id": callId };
}

function fixedResponse(
  status: number,
  headers: Record<string, string>,
  body: string,
): TransportResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    headers,
    body: (async function* () {
      yield bytes;
    })(),
    text: async () => body,
    dump: async () => {},
  };
}

function streamResponse(
  events: string[],
  mock: MockTransportOptions,
  signal?: AbortSignal,
): TransportResponse {
  const encoder = new TextEncoder();
  const chunks = events.map((event) => encoder.encode(`data: ${event}\n\n`));
  async function* body() {
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0 && mock.chunkDelayMs !== undefined) await abortableSleep(mock.chunkDelayMs, signal);
      if (signal?.aborted) throw signal.reason;
      yield chunk;
    }
  }
  return {
    status: 200,
    headers: { "content-type": "text/event-stream", "x-request-id": mock.callId },
    body: body(),
    text: async () => new TextDecoder().decode(Buffer.concat(chunks)),
    dump: async () => {},
  };
}
