import { readFileSync } from "node:fs";
import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { ChatStreamTransformer, RequestContext } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { decodeSse } from "../../../stream/sse-decoder.ts";

/** Test support: fixture loading and a driver that feeds SSE bytes through the real decoder. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
}

export function deployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return {
    provider: "anthropic",
    model: "claude-sonnet-4-5-20250929",
    apiKey: "sk-ant-api03-test-key-0000000000",
    params: {},
    ...overrides,
  };
}

export function context(
  request: Partial<ChatCompletionRequest> = {},
  deploymentOverrides: Partial<ProviderDeployment> = {},
): RequestContext {
  return {
    request: {
      model: "claude",
      messages: [{ role: "user", content: "Hi" }],
      ...request,
    } as ChatCompletionRequest,
    deployment: deployment(deploymentOverrides),
    callId: "call-test-1",
  };
}

/** How the fixture's bytes are cut into reads. */
export type ReadSplit = "whole" | "mid-line" | number;

export function splitBytes(text: string, split: ReadSplit): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  if (split === "whole") return [bytes];
  if (split === "mid-line") {
    // Every event is cut in the middle of its `data:` line: each read ends with a partial JSON.
    const parts: Uint8Array[] = [];
    for (const event of text.split(/(?<=\n\n)/)) {
      const dataAt = event.indexOf("data:");
      const cut = dataAt === -1 ? Math.floor(event.length / 2) : dataAt + Math.floor((event.length - dataAt) / 2);
      parts.push(new TextEncoder().encode(event.slice(0, cut)), new TextEncoder().encode(event.slice(cut)));
    }
    return parts.filter((part) => part.byteLength > 0);
  }
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += split) {
    parts.push(bytes.subarray(offset, offset + split));
  }
  return parts;
}

async function* iterate(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

/** Runs an SSE body through decodeSse and the transformer, like callChat does. */
export async function runStream(
  transformer: ChatStreamTransformer,
  sseText: string,
  split: ReadSplit = "whole",
): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const read of decodeSse(iterate(splitBytes(sseText, split)))) {
    for (const event of read.events) chunks.push(...transformer.onEvent(event));
  }
  chunks.push(...transformer.onEnd());
  return chunks;
}

export function contentOf(chunks: readonly ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
}
