import type { FunctionTool, ToolChoice } from "../../openai/chat-request.ts";
import { cacheControlOf } from "./convert-user-content.ts";
import type { AnthropicTool, AnthropicToolChoice } from "./wire-schemas.ts";

/**
 * OpenAI function tools to Anthropic tools: `parameters` becomes `input_schema` (which must be
 * an object schema; a tool without parameters gets an empty one). `strict` is not forwarded:
 * Anthropic's strict tool use exists only on recent models and would fail elsewhere.
 * `cache_control` on the tool or its function (LiteLLM's extension) is kept.
 */
export function convertTools(tools: readonly FunctionTool[]): AnthropicTool[] {
  return tools.map((tool) => {
    const parameters = tool.function.parameters;
    const inputSchema: Record<string, unknown> =
      parameters === undefined || Object.keys(parameters).length === 0
        ? { type: "object", properties: {} }
        : { type: "object", ...parameters };
    const cache = cacheControlOf(tool).cache_control ?? cacheControlOf(tool.function).cache_control;
    return {
      name: tool.function.name,
      ...(tool.function.description === undefined
        ? {}
        : { description: tool.function.description }),
      input_schema: inputSchema,
      ...(cache === undefined ? {} : { cache_control: cache }),
    };
  });
}

/**
 * `auto`, `none`, `required` and a named function become `{type:"auto"}`, `{type:"none"}`,
 * `{type:"any"}` and `{type:"tool",name}`; `parallel_tool_calls: false` adds
 * `disable_parallel_tool_use: true` (to `auto` when no choice was given), as LiteLLM does.
 */
export function convertToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  let converted: AnthropicToolChoice | undefined;
  if (choice === "auto") converted = { type: "auto" };
  else if (choice === "required") converted = { type: "any" };
  else if (choice === "none") converted = { type: "none" };
  else if (choice !== undefined) converted = { type: "tool", name: choice.function.name };

  if (parallelToolCalls === false && converted?.type !== "none") {
    converted = { ...(converted ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  return converted;
}
