import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { FunctionTool, ToolChoice } from "../../openai/chat-request.ts";
import type { CohereTool } from "./wire-schemas.ts";

export interface ConvertedTools {
  tools?: CohereTool[];
  tool_choice?: "REQUIRED" | "NONE";
  strict_tools?: boolean;
}

/**
 * OpenAI tools to Cohere v2 tools, which have OpenAI's shape except that `parameters` is
 * required (an empty object schema is sent for a tool without one).
 *
 * `tool_choice`: `auto` is Cohere's default (omitted), `required` and `none` are `REQUIRED` and
 * `NONE`. Cohere cannot name one tool, so a named choice sends only that tool with `REQUIRED`,
 * which forces exactly that call. `strict: true` on every tool turns on `strict_tools`
 * (Cohere's structured outputs for tools apply to all tools of a request, not one).
 */
export function convertTools(
  tools: readonly FunctionTool[] | undefined,
  toolChoice: ToolChoice | undefined,
): ConvertedTools {
  if (tools === undefined || tools.length === 0) return {};
  let selected = tools;
  let choice: ConvertedTools["tool_choice"];
  if (toolChoice === "required") choice = "REQUIRED";
  else if (toolChoice === "none") choice = "NONE";
  else if (typeof toolChoice === "object") {
    const name = toolChoice.function.name;
    selected = tools.filter((tool) => tool.function.name === name);
    if (selected.length === 0) {
      throw new InvalidRequestError(`tool_choice names "${name}", which is not in tools`, {
        param: "tool_choice",
        provider: "cohere",
      });
    }
    choice = "REQUIRED";
  }
  const strict = selected.every((tool) => tool.function.strict === true);
  return {
    tools: selected.map((tool) => ({
      type: "function",
      function: {
        name: tool.function.name,
        ...(tool.function.description === undefined
          ? {}
          : { description: tool.function.description }),
        parameters: tool.function.parameters ?? { type: "object", properties: {} },
      },
    })),
    ...(choice === undefined ? {} : { tool_choice: choice }),
    ...(strict ? { strict_tools: true } : {}),
  };
}
