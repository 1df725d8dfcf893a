import type { ResponseFormat } from "../../openai/chat-request.ts";
import type { CohereResponseFormat } from "./wire-schemas.ts";

/**
 * `response_format` to Cohere's JSON mode (docs "Structured Outputs"): `json_object` is
 * `{type: "json_object"}`, and `json_schema` is the same with the schema as `json_schema`
 * (Cohere has no separate json_schema type). `text` needs nothing.
 */
export function convertResponseFormat(
  format: ResponseFormat | undefined,
): CohereResponseFormat | undefined {
  if (format === undefined || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const schema = format.json_schema.schema;
  return schema === undefined
    ? { type: "json_object" }
    : { type: "json_object", json_schema: schema };
}
