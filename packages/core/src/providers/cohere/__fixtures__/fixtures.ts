import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { RequestContext } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { chatContext, fixtureFiles } from "../../../__fixtures__/adapter-test-kit.ts";

/** Cohere's defaults for the shared adapter test kit (kept out of the build with __fixtures__). */
export {
  collectChoice as collect,
  inReadsOf,
  jsonResponse as response,
  midEventReads as midLineReads,
  runStream,
} from "../../../__fixtures__/adapter-test-kit.ts";

export const fixture = fixtureFiles(import.meta.url).text;

export const TEST_KEY = "co-test-key-0123456789abcdefghij";

export function cohereDeployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return { provider: "cohere", model: "command-a-03-2025", apiKey: TEST_KEY, params: {}, ...overrides };
}

export function requestContext(
  request: Partial<ChatCompletionRequest> = {},
  deployment: Partial<ProviderDeployment> = {},
): RequestContext {
  return chatContext("cohere/command-a-03-2025", cohereDeployment(deployment), request);
}
