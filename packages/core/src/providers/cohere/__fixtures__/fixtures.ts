import { readFileSync } from "node:fs";
import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type {
  ChatStreamTransformer,
  RequestContext,
  UpstreamResponse,
} from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { decodeSse } from "../../../stream/sse-decoder.ts";

/** Test support for the Cohere adapter (kept out of the build with __fixtures__). */
export function fixture(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
}

export const TEST_KEY = "co-test-key-0123456789abcdefghij";

export function cohereDeployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return {
    provider: "cohere",
    model: "command-a-03-2025",
    apiKey: TEST_KEY,
    params: {},
    ...overrides,
  };
}

export function requestContext(
  request: Partial<ChatCompletionRequest> = {},
  deployment: Partial<ProviderDeployment> = {},
): RequestContext {
  return {
    request: {
      model: "cohere/command-a-03-2025",
      messages: [{ role: "user", content: "Hi" }],
      ...request,
    },
    deployment: cohereDeployment(deployment),
    callId: "call-test-1",
  };
}

export function response(
  body: string,
  status = 200,
  headers: Record<string, string> = {},
): UpstreamResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body };
}

/** Cuts text into reads of `size` bytes (splitting lines, JSON and UTF-8 characters). */
export function inReadsOf(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const reads: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) reads.push(bytes.subarray(at, at + size));
  return reads;
}

/** Each event cut in the middle of its `data:` line, so every read ends inside the JSON. */
export function midLineReads(text: string): Uint8Array[] {
  const encoder = new TextEncoder();
  return text
    .split(/(?<=\n\n)/)
    .flatMap((event) => {
      const at = event.indexOf("data:");
      const cut = at === -1 ? event.length >> 1 : at + ((event.length - at) >> 1);
      return [encoder.encode(event.slice(0, cut)), encoder.encode(event.slice(cut))];
    })
    .filter((part) => part.byteLength > 0);
}

/** Runs reads through the real SSE decoder and the transformer, as callChat does. */
export async function runStream(
  transformer: ChatStreamTransformer,
  reads: Uint8Array[],
): Promise<ChatCompletionChunk[]> {
  async function* source() {
    for (const read of reads) yield read;
  }
  const chunks: ChatCompletionChunk[] = [];
  for await (const read of decodeSse(source())) {
    for (const event of read.events) chunks.push(...transformer.onEvent(event));
  }
  chunks.push(...transformer.onEnd());
  return chunks;
}

/** Content, reasoning and tool calls of choice 0, reassembled from chunks. */
export function collect(chunks: readonly ChatCompletionChunk[]) {
  let content = "";
  let reasoning = "";
  const calls: { id?: string; name?: string; arguments: string; headers: number }[] = [];
  let finish: string | null = null;
  let providerFinish: unknown;
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? "";
      reasoning += choice.delta.reasoning_content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { arguments: "", headers: 0 });
        if (call.id !== undefined) {
          slot.id = call.id;
          slot.headers += 1;
        }
        if (call.function?.name !== undefined) slot.name = call.function.name;
        slot.arguments += call.function?.arguments ?? "";
      }
      if (choice.finish_reason !== null) {
        finish = choice.finish_reason;
        providerFinish = choice.provider_finish_reason;
      }
    }
  }
  return { content, reasoning, calls, finish, providerFinish };
}
