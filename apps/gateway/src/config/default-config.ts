/** What LoadedConfig.source says when no config file was given. */
export const DEFAULT_CONFIG_SOURCE = "built-in default (mock model)";

export const DEFAULT_MOCK_REPLY =
  "Hello from the gateway! This reply comes from the built-in `mock` model, so no provider key " +
  "is needed. To use real models, start with --config config.yaml (LiteLLM's config format).";

/**
 * The config used when neither --config nor CONFIG_FILE_PATH is given: a fresh `pnpm start`
 * answers its first request with no keys and no network. Written in the same shape as a user's
 * config.yaml so it goes through exactly the same loading path.
 */
export function defaultConfig(): Record<string, unknown> {
  return {
    model_list: [
      {
        model_name: "mock",
        litellm_params: { model: "mock/mock-1", mock_response: DEFAULT_MOCK_REPLY },
        model_info: { id: "mock", mode: "chat" },
      },
      {
        model_name: "mock-embedding",
        litellm_params: { model: "mock/mock-embedding-1" },
        model_info: { id: "mock-embedding", mode: "embedding" },
      },
    ],
  };
}
