import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { FunctionTool, ToolChoice } from "../../openai/chat-request.ts";
import type { OllamaTool } from "./wire-schemas.ts";

/**
 * OpenAI tools to Ollama tools (the same function shape). Ollama has no `tool_choice`
 * (LiteLLM drops it: it made old servers hang), so the adapter does what it can: `none` sends no
 * tools, a named function sends only that tool; `auto` and `required` send them all (`required`
 * cannot be enforced).
 */
export function convertTools(
  tools: readonly FunctionTool[] | undefined,
  toolChoice: ToolChoice | undefined,
): OllamaTool[] | undefined {
  if (tools === undefined || tools.length === 0 || toolChoice === "none") return undefined;
  let selected = tools;
  if (typeof toolChoice === "object") {
    const name = toolChoice.function.name;
    selected = tools.filter((tool) => tool.function.name === name);
    if (selected.length === 0) {
      throw new InvalidRequestError(`tool_choice names "${name}", which is not in tools`, {
        param: "tool_choice",
        provider: "ollama",
      });
    }
  }
  return selected.map((tool) => ({
    type: "function",
    function: {
      name: tool.function.name,
      ...(tool.function.description === undefined
        ? {}
        : { description: tool.function.description }),
      parameters: tool.function.parameters ?? { type: "object", properties: {} },
    },
  }));
}
