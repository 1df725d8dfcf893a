// Fake Ollama server (native API: /api/chat NDJSON, /api/embed), plus builders for scripted answers.
export { startFakeOllama, type FakeOllamaOptions } from "./fake-ollama.ts";
export {
  chatResponder as ollamaChatResponder,
  type OllamaChatResponderOptions,
} from "./chat-responder.ts";
export { embedResponder as ollamaEmbedResponder } from "./embed-responder.ts";
export type { OllamaAnswerSpec, OllamaToolCallSpec } from "./ollama-answer.ts";
export { ollamaChatLines, ollamaChatResponse, ollamaChatStream } from "./ollama-chat.ts";
export {
  ollamaContextLengthError,
  ollamaError,
  ollamaModelNotFoundError,
  ollamaStreamError,
  ollamaUnauthorizedError,
  type OllamaErrorOptions,
} from "./ollama-error.ts";
