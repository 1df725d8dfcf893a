export {
  createOpenAICompatibleProvider,
  type OpenAICompatibleProviderOptions,
} from "./openai-compatible-provider.ts";
export { openAICompatibleFamily } from "./family/index.ts";
