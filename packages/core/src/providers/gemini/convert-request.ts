import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { convertGenerationConfig } from "./convert-generation-config.ts";
import { convertMessages } from "./convert-messages.ts";
import { convertTools } from "./convert-tools.ts";
import { geminiModelTraits } from "./gemini-model-traits.ts";
import type { GeminiGenerateContentRequest } from "./wire-schemas.ts";

/**
 * The whole `generateContent` body for an OpenAI chat request. Shared by Gemini and Vertex AI,
 * which take the same body. `safety_settings` and `cached_content` (LiteLLM passes both
 * through for Gemini) come from the request or, as defaults, from the deployment's
 * litellm_params. `user`, `metadata`, `stream_options` and `parallel_tool_calls` have no
 * Gemini equivalent and are not sent.
 */
export function convertRequest(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
): GeminiGenerateContentRequest {
  const traits = geminiModelTraits(deployment.model);
  const provider = deployment.provider;
  const { contents, systemInstruction } = convertMessages(request.messages, traits, provider);
  const { tools, toolConfig } = convertTools(request, provider);
  const generationConfig = convertGenerationConfig(request, traits);
  const safetySettings = request.safety_settings ?? deployment.params.safety_settings;
  const cachedContent = request.cached_content ?? deployment.params.cached_content;

  return {
    contents,
    ...(systemInstruction === undefined ? {} : { systemInstruction }),
    ...(tools === undefined ? {} : { tools }),
    ...(toolConfig === undefined ? {} : { toolConfig }),
    ...(generationConfig === undefined ? {} : { generationConfig }),
    ...(Array.isArray(safetySettings) ? { safetySettings } : {}),
    ...(typeof cachedContent === "string" ? { cachedContent } : {}),
  };
}
