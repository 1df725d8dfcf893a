import type { ChatCompletionRequest } from "../../openai/chat-request.ts";

/** LiteLLM's name for the forced tool when the schema has no name of its own. */
export const DEFAULT_JSON_TOOL_NAME = "json_tool_call";

export interface JsonModeTool {
  name: string;
  description?: string;
  schema: Record<string, unknown>;
}

/**
 * Converse has no `response_format`, so JSON output uses LiteLLM's forced-tool approach: a tool
 * whose input schema is the requested schema, forced with `toolChoice: {tool: {name}}`. The
 * model's `toolUse.input` for that tool then comes back as the message **content** (a JSON
 * string) with `finish_reason: "stop"`, not as a tool call. `json_object` uses an open object
 * schema. The tool is named after `json_schema.name`, as in LiteLLM.
 */
export function jsonModeTool(request: ChatCompletionRequest): JsonModeTool | undefined {
  const format = request.response_format;
  if (format === undefined || format.type === "text") return undefined;
  if (format.type === "json_object") {
    return { name: DEFAULT_JSON_TOOL_NAME, schema: OPEN_OBJECT_SCHEMA };
  }
  const name = format.json_schema.name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  const tool: JsonModeTool = {
    name: name === "" ? DEFAULT_JSON_TOOL_NAME : name,
    schema: format.json_schema.schema ?? OPEN_OBJECT_SCHEMA,
  };
  if (format.json_schema.description) tool.description = format.json_schema.description;
  return tool;
}

const OPEN_OBJECT_SCHEMA: Record<string, unknown> = {
  type: "object",
  additionalProperties: true,
  properties: {},
};
