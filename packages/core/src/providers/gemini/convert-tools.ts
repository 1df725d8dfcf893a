import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { convertJsonSchema, isEmptyObjectSchema } from "./convert-json-schema.ts";
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from "./wire-schemas.ts";
import { isRecord } from "../../util/is-record.ts";

export interface ConvertedTools {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

/**
 * OpenAI `tools` (and the deprecated `functions`) become one `{functionDeclarations}` tool with
 * parameters converted to Gemini's schema subset (see convert-json-schema.ts); a function
 * without arguments omits `parameters`, as Gemini wants. `web_search_options` adds Gemini's
 * built-in `googleSearch` tool (LiteLLM does the same).
 *
 * `tool_choice`: auto/none/required/named function give `AUTO`/`NONE`/`ANY`/`ANY` +
 * `allowedFunctionNames: [name]`. `parallel_tool_calls` has no Gemini switch and is ignored.
 */
export function convertTools(request: ChatCompletionRequest, provider: string): ConvertedTools {
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const tool of request.tools ?? []) {
    declarations.push(
      declaration(tool.function.name, tool.function.description, tool.function.parameters),
    );
  }
  for (const fn of request.functions ?? []) {
    if (typeof fn !== "object" || fn === null) continue;
    const { name, description, parameters } = fn as {
      name?: unknown;
      description?: unknown;
      parameters?: unknown;
    };
    if (typeof name !== "string") continue;
    declarations.push(
      declaration(
        name,
        typeof description === "string" ? description : undefined,
        isRecord(parameters) ? parameters : undefined,
      ),
    );
  }

  const tools: GeminiTool[] = [];
  if (declarations.length > 0) tools.push({ functionDeclarations: declarations });
  if (request.web_search_options !== undefined && request.web_search_options !== null) {
    tools.push({ googleSearch: {} });
  }

  const toolConfig = convertToolChoice(request, provider);
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolConfig !== undefined && declarations.length > 0 ? { toolConfig } : {}),
  };
}

function declaration(
  name: string,
  description: string | undefined,
  parameters: Record<string, unknown> | undefined,
): GeminiFunctionDeclaration {
  const out: GeminiFunctionDeclaration = { name };
  if (description !== undefined && description !== "") out.description = description;
  if (parameters !== undefined && !isEmptyObjectSchema(parameters)) {
    out.parameters = convertJsonSchema(parameters);
  }
  return out;
}

function convertToolChoice(
  request: ChatCompletionRequest,
  provider: string,
): GeminiToolConfig | undefined {
  const choice = request.tool_choice ?? legacyFunctionCall(request.function_call);
  if (choice === undefined) return undefined;
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (choice === "required") return { functionCallingConfig: { mode: "ANY" } };
  if (typeof choice === "object" && typeof choice.function?.name === "string") {
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
  }
  throw new InvalidRequestError(`${provider} does not support this tool_choice`, {
    param: "tool_choice",
    provider,
  });
}

/** The deprecated `function_call: "auto" | "none" | {name}` as a tool_choice. */
function legacyFunctionCall(
  value: unknown,
): "auto" | "none" | { type: "function"; function: { name: string } } | undefined {
  if (value === "auto" || value === "none") return value;
  if (isRecord(value) && typeof value.name === "string") {
    return { type: "function", function: { name: value.name } };
  }
  return undefined;
}
