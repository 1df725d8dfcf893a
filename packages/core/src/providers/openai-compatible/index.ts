export {
  createOpenAICompatibleProvider,
  type OpenAICompatibleProviderOptions,
} from "./openai-compatible-provider.ts";
// The presets (groqProvider, openrouterProvider, ...) and the family's building blocks.
export * from "./family/index.ts";
