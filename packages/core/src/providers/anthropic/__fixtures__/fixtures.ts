import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { ChatStreamTransformer, RequestContext } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import {
  chatContext,
  fixtureFiles,
  inReadsOf,
  midEventReads,
  runStream as runKitStream,
  wholeRead,
} from "../../../__fixtures__/adapter-test-kit.ts";

/** Anthropic's defaults for the shared adapter test kit (kept out of the build with __fixtures__). */
export { contentOf } from "../../../__fixtures__/adapter-test-kit.ts";

export const readFixture = fixtureFiles(import.meta.url).text;

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
  return chatContext("claude", deployment(deploymentOverrides), request);
}

/** How the fixture's bytes are cut into reads. */
export type ReadSplit = "whole" | "mid-line" | number;

export function splitBytes(text: string, split: ReadSplit): Uint8Array[] {
  if (split === "whole") return wholeRead(text);
  if (split === "mid-line") return midEventReads(text);
  return inReadsOf(text, split);
}

/** Runs an SSE body through decodeSse and the transformer, like callChat does. */
export function runStream(
  transformer: ChatStreamTransformer,
  sseText: string,
  split: ReadSplit = "whole",
): Promise<ChatCompletionChunk[]> {
  return runKitStream(transformer, splitBytes(sseText, split));
}
