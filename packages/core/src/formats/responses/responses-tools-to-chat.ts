import type { FunctionTool, ResponseFormat, ToolChoice } from "../../openai/chat-request.ts";
import type {
  ResponsesFunctionTool,
  ResponsesTextFormat,
  ResponsesToolChoice,
} from "./responses-request.ts";

/**
 * Flat Responses function tools in chat's nested shape. `strict` is sent only when the client
 * set it: the Responses API defaults it to true, but forcing strict mode on chat upstreams
 * turns every schema that is not strict-compatible into a 400.
 */
export function responsesToolsToChat(tools: readonly ResponsesFunctionTool[]): FunctionTool[] {
  return tools.map((tool) => {
    const fn: FunctionTool["function"] = { name: tool.name };
    if (tool.description !== undefined && tool.description !== null) {
      fn.description = tool.description;
    }
    if (tool.parameters !== undefined && tool.parameters !== null) fn.parameters = tool.parameters;
    if (tool.strict !== undefined && tool.strict !== null) fn.strict = tool.strict;
    return { type: "function", function: fn };
  });
}

export function responsesToolChoiceToChat(choice: ResponsesToolChoice): ToolChoice {
  if (typeof choice === "string") return choice;
  return { type: "function", function: { name: choice.name } };
}

/** `text.format` as chat's `response_format`. */
export function responsesTextFormatToChat(format: ResponsesTextFormat): ResponseFormat {
  if (format.type !== "json_schema") return { type: format.type };
  const jsonSchema: Extract<ResponseFormat, { type: "json_schema" }>["json_schema"] = {
    name: format.name,
    schema: format.schema,
  };
  if (format.description !== undefined && format.description !== null) {
    jsonSchema.description = format.description;
  }
  if (format.strict !== undefined && format.strict !== null) jsonSchema.strict = format.strict;
  return { type: "json_schema", json_schema: jsonSchema };
}
