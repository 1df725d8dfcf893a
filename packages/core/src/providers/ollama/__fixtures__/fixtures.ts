import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { ChatStreamTransformer, RequestContext } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { chatContext, fixtureFiles, runStream as runKitStream } from "../../../__fixtures__/adapter-test-kit.ts";

/** Ollama's defaults for the shared adapter test kit (kept out of the build with __fixtures__). */
export {
  collectChoice as collect,
  inReadsOf,
  jsonResponse as response,
  midLineReads,
} from "../../../__fixtures__/adapter-test-kit.ts";

export const fixture = fixtureFiles(import.meta.url).text;

export function ollamaDeployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return { provider: "ollama_chat", model: "llama3.2", params: {}, ...overrides };
}

export function requestContext(
  request: Partial<ChatCompletionRequest> = {},
  deployment: Partial<ProviderDeployment> = {},
): RequestContext {
  return chatContext("ollama_chat/llama3.2", ollamaDeployment(deployment), request);
}

/** Ollama streams NDJSON. */
export function runStream(
  transformer: ChatStreamTransformer,
  reads: Uint8Array[],
): Promise<ChatCompletionChunk[]> {
  return runKitStream(transformer, reads, "ndjson");
}
