import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { RequestContext, UpstreamResponse } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { chatContext, fixtureFiles, jsonResponse } from "../../../__fixtures__/adapter-test-kit.ts";

/** Gemini's and Vertex AI's defaults for the shared adapter test kit (kept out of the build). */
export { collectChoice as collect, inReadsOf, runStream } from "../../../__fixtures__/adapter-test-kit.ts";

const files = fixtureFiles(import.meta.url);
export const fixture = files.text;
export const fixtureBytes = files.bytes;

export function geminiDeployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return { provider: "gemini", model: "gemini-2.0-flash", apiKey: "AIzaSyTestKey0123456789abcdefghij", params: {}, ...overrides };
}

const MODEL = "gemini/gemini-2.0-flash";

export function chatRequest(overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return chatContext(MODEL, geminiDeployment(), overrides).request;
}

export function requestContext(
  request: Partial<ChatCompletionRequest> = {},
  deployment: Partial<ProviderDeployment> = {},
): RequestContext {
  return chatContext(MODEL, geminiDeployment(deployment), request);
}

export function okResponse(body: string): UpstreamResponse {
  return jsonResponse(body);
}
