import { readFileSync } from "node:fs";
import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { ChatStreamTransformer, RequestContext, UpstreamResponse } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { decodeSse } from "../../../stream/sse-decoder.ts";

/** Test support for the Gemini and Vertex AI adapters (kept out of the build with __fixtures__). */
export function fixtureBytes(name: string): Uint8Array {
  return readFileSync(new URL(`./${name}`, import.meta.url));
}

export function fixture(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
}

export function geminiDeployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return { provider: "gemini", model: "gemini-2.0-flash", apiKey: "AIzaSyTestKey0123456789abcdefghij", params: {}, ...overrides };
}

export function chatRequest(overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: "gemini/gemini-2.0-flash", messages: [{ role: "user", content: "Hi" }], ...overrides };
}

export function requestContext(
  request: Partial<ChatCompletionRequest> = {},
  deployment: Partial<ProviderDeployment> = {},
): RequestContext {
  return { request: chatRequest(request), deployment: geminiDeployment(deployment), callId: "call-test-1" };
}

export function okResponse(body: string): UpstreamResponse {
  return { status: 200, headers: { "content-type": "application/json" }, body };
}

/** Cuts bytes into reads of `size` bytes (splitting lines, JSON and UTF-8 characters). */
export function inReadsOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const reads: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) reads.push(bytes.subarray(at, at + size));
  return reads;
}

/** Runs reads through the real SSE decoder and the transformer, as callChat does. */
export async function runStream(transformer: ChatStreamTransformer, reads: Uint8Array[]): Promise<ChatCompletionChunk[]> {
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

/** Content, reasoning and tool calls of one choice, reassembled from chunks. */
export function collect(chunks: ChatCompletionChunk[], index = 0) {
  let content = "";
  let reasoning = "";
  const calls: { id?: string; name?: string; arguments: string }[] = [];
  let finish: string | null = null;
  let providerFinish: unknown;
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      if (choice.index !== index) continue;
      content += choice.delta.content ?? "";
      reasoning += choice.delta.reasoning_content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { arguments: "" });
        if (call.id !== undefined) slot.id = call.id;
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
