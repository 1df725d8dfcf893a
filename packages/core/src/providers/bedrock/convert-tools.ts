import type { FunctionTool, ToolChoice } from "../../openai/chat-request.ts";
import type { JsonModeTool } from "./json-mode.ts";
import type { ConverseToolChoice, ConverseToolConfig, ConverseToolSpec } from "./wire-schemas.ts";

export interface ToolConfigInput {
  tools: readonly FunctionTool[] | undefined;
  toolChoice: ToolChoice | undefined;
  jsonTool: JsonModeTool | undefined;
  /** False when thinking is on: Claude rejects a forced tool together with thinking. */
  forceJsonTool: boolean;
  historyToolNames: readonly string[];
  hasToolBlocks: boolean;
}

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} };

/** LiteLLM's stand-in when the history has tool blocks but names no tool at all. */
const DUMMY_TOOL: ConverseToolSpec = {
  toolSpec: {
    name: "dummy_tool",
    description: "This is a dummy tool call",
    inputSchema: { json: EMPTY_OBJECT_SCHEMA },
  },
};

/**
 * OpenAI tools and tool_choice as a Converse `toolConfig`:
 * - `function:{name, description, parameters}` becomes `toolSpec:{name, description,
 *   inputSchema:{json: parameters}}`;
 * - `auto` / `required` / a named function become `{auto:{}}` / `{any:{}}` / `{tool:{name}}`;
 * - Converse has no `none`: the tools are left out, except that Converse requires a toolConfig
 *   whenever the history holds toolUse/toolResult blocks ("The toolConfig field must be defined
 *   when using toolUse and toolResult content blocks."). Then the tools stay, without a choice,
 *   and with no tools at all the ones the history called are declared with an open schema.
 * `parallel_tool_calls` has no Converse equivalent and is ignored.
 */
export function convertToolConfig(input: ToolConfigInput): ConverseToolConfig | undefined {
  const choice = input.toolChoice;
  const userTools = choice === "none" && !input.hasToolBlocks ? [] : (input.tools ?? []);
  const specs: ConverseToolSpec[] = userTools.map((tool) =>
    toolSpec(tool.function.name, tool.function.description, tool.function.parameters),
  );
  if (input.jsonTool) {
    specs.push(toolSpec(input.jsonTool.name, input.jsonTool.description, input.jsonTool.schema));
  }
  if (specs.length === 0 && input.hasToolBlocks) {
    specs.push(...input.historyToolNames.map((name) => toolSpec(name, undefined, undefined)));
    if (specs.length === 0) specs.push(DUMMY_TOOL);
  }
  if (specs.length === 0) return undefined;

  const config: ConverseToolConfig = { tools: specs };
  const toolChoice =
    input.jsonTool && input.forceJsonTool && userTools.length === 0
      ? { tool: { name: input.jsonTool.name } }
      : convertToolChoice(choice);
  if (toolChoice) config.toolChoice = toolChoice;
  return config;
}

function convertToolChoice(choice: ToolChoice | undefined): ConverseToolChoice | undefined {
  if (choice === undefined || choice === "none") return undefined;
  if (choice === "auto") return { auto: {} };
  if (choice === "required") return { any: {} };
  return { tool: { name: choice.function.name } };
}

function toolSpec(
  name: string,
  description: string | undefined,
  parameters: Record<string, unknown> | undefined,
): ConverseToolSpec {
  const spec: ConverseToolSpec["toolSpec"] = {
    name,
    inputSchema: { json: parameters ?? EMPTY_OBJECT_SCHEMA },
  };
  // Converse rejects an empty description (NonEmptyString).
  if (description !== undefined && description.trim() !== "") spec.description = description;
  return { toolSpec: spec };
}
