// Fake Gemini API and Vertex AI upstreams, plus builders for scripted answers and errors.
export {
  startFakeGemini,
  startFakeVertexAi,
  type FakeGeminiOptions,
  type FakeVertexAiOptions,
} from "./fake-gemini.ts";
export {
  generateContentResponder,
  type GenerateCall,
  type GenerateContentResponderOptions,
} from "./generate-content-responder.ts";
export { embedResponder } from "./embed-responder.ts";
export {
  geminiResponse,
  type GeminiCandidateSpec,
  type GeminiFunctionCallSpec,
  type GeminiResponseSpec,
} from "./gemini-response.ts";
export { geminiUsage, type GeminiUsageSpec } from "./gemini-usage.ts";
export { geminiSse, geminiJsonArrayStream, geminiStreamError } from "./gemini-sse.ts";
export {
  googleError,
  googleErrorBody,
  geminiRateLimitError,
  geminiContextLengthError,
  geminiInvalidApiKeyError,
  geminiMissingApiKeyError,
  geminiOverloadedError,
  geminiInternalError,
  vertexUnauthenticatedError,
  vertexPermissionDeniedError,
  type GoogleErrorBody,
  type GoogleErrorFields,
  type GeminiRateLimitOptions,
  type GeminiContextLengthOptions,
} from "./google-error.ts";
export { geminiApiKeyAuth, vertexBearerAuth } from "./google-auth.ts";
export { geminiResponseId, fakeThoughtSignature } from "./gemini-ids.ts";
