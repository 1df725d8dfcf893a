import type { ResponseFormat } from "../../openai/chat-request.ts";

/**
 * `response_format` to Ollama's `format` (structured outputs): `json_object` is `"json"`,
 * `json_schema` is the schema itself (Ollama constrains decoding to it), `text` is nothing.
 */
export function convertFormat(
  format: ResponseFormat | undefined,
): "json" | Record<string, unknown> | undefined {
  if (format === undefined || format.type === "text") return undefined;
  if (format.type === "json_object") return "json";
  return format.json_schema.schema ?? "json";
}
