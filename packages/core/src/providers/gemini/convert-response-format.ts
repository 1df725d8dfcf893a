import type { ResponseFormat } from "../../openai/chat-request.ts";
import { convertJsonSchema } from "./convert-json-schema.ts";
import type { GeminiModelTraits } from "./gemini-model-traits.ts";
import type { GeminiGenerationConfig } from "./wire-schemas.ts";

type ResponseFormatConfig = Pick<
  GeminiGenerationConfig,
  "responseMimeType" | "responseSchema" | "responseJsonSchema"
>;

/**
 * OpenAI `response_format` to Gemini structured output:
 * - `json_object` sets `responseMimeType: "application/json"`;
 * - `json_schema` also sets the schema: as `responseJsonSchema` (full JSON Schema, `$ref` and
 *   `additionalProperties` allowed) on Gemini 2.0+, as `responseSchema` converted to the
 *   OpenAPI subset on Gemini 1.x, the split LiteLLM makes;
 * - `text` sets nothing.
 */
export function convertResponseFormat(
  format: ResponseFormat | undefined,
  traits: GeminiModelTraits,
): ResponseFormatConfig {
  if (format === undefined || format.type === "text") return {};
  if (format.type === "json_object") return { responseMimeType: "application/json" };
  const schema = format.json_schema.schema;
  if (schema === undefined) return { responseMimeType: "application/json" };
  return traits.supportsResponseJsonSchema
    ? { responseMimeType: "application/json", responseJsonSchema: schema }
    : { responseMimeType: "application/json", responseSchema: convertJsonSchema(schema) };
}
