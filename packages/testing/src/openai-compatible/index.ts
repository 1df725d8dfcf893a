// Error builders for OpenAI-compatible providers whose bodies differ from OpenAI's; their
// happy paths are served by the OpenAI fake (`startFakeOpenAI`).
export { openrouterError, openrouterErrorChunk } from "./openrouter-error.ts";
export { groqError, groqFlexCapacityError, groqRateLimitError } from "./groq-error.ts";
