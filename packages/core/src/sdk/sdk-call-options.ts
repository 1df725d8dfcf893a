import type { ProviderRegistry } from "../provider/registry.ts";
import type { Transport } from "../transport/transport.ts";

/**
 * What the SDK functions take besides the OpenAI request, with LiteLLM's names. Keys are never
 * read from the environment: `@org/core` reads no environment variables, so pass `api_key`
 * yourself (your application reads OPENAI_API_KEY or wherever it keeps the key).
 */
export interface SdkCallOptions {
  api_key?: string;
  /** The upstream base URL, e.g. `http://localhost:8000/v1` for vLLM. */
  api_base?: string;
  /** LiteLLM's alias of `api_base`. */
  base_url?: string;
  api_version?: string;
  extra_headers?: Record<string, string>;
  /** Seconds, as in LiteLLM: the whole call, or for a stream the wait for headers. Default 600. */
  timeout?: number;
  /** Drop params the provider does not support instead of failing. */
  drop_params?: boolean;
  signal?: AbortSignal;
  /** Defaults to a shared undici transport. */
  transport?: Transport;
  /** Defaults to `defaultProviders()`. */
  registry?: ProviderRegistry;
}

/** LiteLLM's default request timeout. */
export const DEFAULT_SDK_TIMEOUT_SECONDS = 600;
