/**
 * `response_format` json_schema / json_object is served with LiteLLM's forced-tool technique
 * (Anthropic's documented "JSON mode" via tools): one tool with the schema as `input_schema`,
 * `tool_choice` forcing it, and the tool's `input` returned to the client as the message
 * content with `finish_reason: "stop"`. The name is LiteLLM's, so histories and logs match.
 */
export const JSON_MODE_TOOL_NAME = "json_tool_call";

/** Whether the request asked for JSON output (and so carries the JSON-mode tool). */
export function isJsonModeRequest(responseFormat: { type: string } | undefined): boolean {
  return responseFormat !== undefined && responseFormat.type !== "text";
}
