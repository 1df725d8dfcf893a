import { readFileSync } from "node:fs";
import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type {
  ChatStreamTransformer,
  RequestContext,
  UpstreamResponse,
} from "../provider/adapter.ts";
import type { ProviderDeployment } from "../provider/deployment.ts";
import { decodeNdjson } from "../stream/ndjson-decoder.ts";
import { decodeSse } from "../stream/sse-decoder.ts";
import type { Transport } from "../transport/transport.ts";

/**
 * The test kit every provider adapter's tests share (kept out of the build with __fixtures__):
 * fixture files, request contexts, upstream responses, and a driver that feeds stream bytes
 * through the real decoder and the adapter's transformer in awkward reads, as callChat does.
 * A provider's own `__fixtures__/fixtures.ts` only adds its defaults (deployment, model).
 */

/** Readers for the fixture files next to `folderUrl` (pass the fixtures module's import.meta.url). */
export function fixtureFiles(folderUrl: string | URL): {
  text(name: string): string;
  bytes(name: string): Uint8Array;
} {
  return {
    text: (name) => readFileSync(new URL(`./${name}`, folderUrl), "utf8"),
    bytes: (name) => new Uint8Array(readFileSync(new URL(`./${name}`, folderUrl))),
  };
}

/** An upstream answer with a JSON content type. */
export function jsonResponse(
  body: string,
  status = 200,
  headers: Record<string, string> = {},
): UpstreamResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body };
}

/** The call id every adapter test uses, so ids derived from it are predictable. */
export const TEST_CALL_ID = "call-test-1";

/** A chat RequestContext: a one-message "Hi" request on `deployment`, with overrides. */
export function chatContext(
  model: string,
  deployment: ProviderDeployment,
  request: Partial<ChatCompletionRequest> = {},
): RequestContext {
  return {
    request: { model, messages: [{ role: "user", content: "Hi" }], ...request },
    deployment,
    callId: TEST_CALL_ID,
  };
}

/** Cuts bytes into reads of `size` bytes (splitting lines, JSON and UTF-8 characters). */
export function inReadsOf(input: string | Uint8Array, size: number): Uint8Array[] {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const reads: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) reads.push(bytes.subarray(at, at + size));
  return reads;
}

/** The text as one read. */
export function wholeRead(text: string): Uint8Array[] {
  return [new TextEncoder().encode(text)];
}

/**
 * SSE cut so every read ends inside JSON: each event is cut in the middle of its `data:` line
 * (or in its middle when it has none).
 */
export function midEventReads(text: string): Uint8Array[] {
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

/** NDJSON cut so every read ends inside JSON: each line cut in its middle. */
export function midLineReads(text: string): Uint8Array[] {
  const encoder = new TextEncoder();
  return text
    .split(/(?<=\n)/)
    .flatMap((line) => [
      encoder.encode(line.slice(0, line.length >> 1)),
      encoder.encode(line.slice(line.length >> 1)),
    ])
    .filter((part) => part.byteLength > 0);
}

/** The reads as the async byte source a transport gives. */
export async function* readsOf(reads: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const read of reads) yield read;
}

/** Runs reads through the real decoder for `framing` and the transformer, as callChat does. */
export async function runStream(
  transformer: ChatStreamTransformer,
  reads: readonly Uint8Array[],
  framing: "sse" | "ndjson" = "sse",
): Promise<ChatCompletionChunk[]> {
  const decoded = framing === "sse" ? decodeSse(readsOf(reads)) : decodeNdjson(readsOf(reads));
  const chunks: ChatCompletionChunk[] = [];
  for await (const read of decoded) {
    for (const event of read.events) chunks.push(...transformer.onEvent(event));
  }
  chunks.push(...transformer.onEnd());
  return chunks;
}

/** One tool call reassembled from deltas; `headers` counts the deltas that carried its id. */
export interface CollectedToolCall {
  id?: string;
  name?: string;
  arguments: string;
  headers: number;
}

/** Content, reasoning, tool calls and finish of one choice, reassembled from chunks. */
export function collectChoice(chunks: readonly ChatCompletionChunk[], index = 0) {
  let content = "";
  let reasoning = "";
  const calls: CollectedToolCall[] = [];
  let finish: string | null = null;
  let providerFinish: unknown;
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      if (choice.index !== index) continue;
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

/** The content of choice 0 across chunks. */
export function contentOf(chunks: readonly ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
}

/** A transport that fails any send: for calls that must never reach the network (mocks, checks). */
export const noNetworkTransport: Transport = {
  send: () => Promise.reject(new Error("the network must not be used")),
  close: async () => {},
};
