import type { FakeConverseAnswer, FakeConverseBlock } from "./converse-answer.ts";
import { fakeWordCount } from "./fake-words.ts";

type Json = Record<string, unknown>;

/**
 * What the fake answers when nothing is scripted, from the Converse body:
 * - a forced tool (`toolChoice.tool`), or a tool whose name appears in the last user text, or
 *   the first tool under `toolChoice.any`, is called with input built from its schema;
 * - a last user turn made of tool results is answered with `tool results: <text>`;
 * - otherwise the last user text is echoed as `echo: <text>`.
 * `inferenceConfig.maxTokens` cuts a text answer (one word per token) with `max_tokens`.
 */
export function defaultConverseAnswer(body: Json): FakeConverseAnswer {
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as Json[]) : [];
  const lastUser = [...messages].reverse().find((message) => message["role"] === "user");
  const blocks = Array.isArray(lastUser?.["content"]) ? (lastUser["content"] as Json[]) : [];
  const userText = blocks
    .map((block) => (typeof block["text"] === "string" ? block["text"] : ""))
    .filter((text) => text !== "")
    .join(" ");
  const toolResults = blocks.flatMap((block) => {
    const result = block["toolResult"] as Json | undefined;
    const content = Array.isArray(result?.["content"]) ? (result["content"] as Json[]) : [];
    return content.map((item) =>
      typeof item["text"] === "string" ? item["text"] : JSON.stringify(item["json"]),
    );
  });
  const inputTokens = messages.reduce((sum, message) => {
    const content = Array.isArray(message["content"]) ? (message["content"] as Json[]) : [];
    return (
      sum +
      content.reduce(
        (n, block) => n + (typeof block["text"] === "string" ? fakeWordCount(block["text"]) : 1),
        0,
      )
    );
  }, 0);

  const tool = chooseTool(body["toolConfig"] as Json | undefined, userText);
  if (tool !== undefined && toolResults.length === 0) {
    return {
      content: [{ toolUse: { name: tool.name, input: exampleInput(tool.schema) } }],
      usage: { inputTokens, outputTokens: 12 },
    };
  }

  let text =
    toolResults.length > 0 && userText === ""
      ? `tool results: ${toolResults.join(" | ")}`
      : `echo: ${userText}`;
  let stopReason = "end_turn";
  const maxTokens = (body["inferenceConfig"] as Json | undefined)?.["maxTokens"];
  if (typeof maxTokens === "number") {
    const words = text.split(" ");
    if (words.length > maxTokens) {
      text = words.slice(0, maxTokens).join(" ");
      stopReason = "max_tokens";
    }
  }
  const content: FakeConverseBlock[] = [{ text }];
  return { content, stopReason, usage: { inputTokens, outputTokens: fakeWordCount(text) } };
}

interface ChosenTool {
  name: string;
  schema: Json;
}

function chooseTool(toolConfig: Json | undefined, userText: string): ChosenTool | undefined {
  const tools = Array.isArray(toolConfig?.["tools"]) ? (toolConfig["tools"] as Json[]) : [];
  const specs = tools.flatMap((tool) => {
    const spec = tool["toolSpec"] as Json | undefined;
    if (typeof spec?.["name"] !== "string") return [];
    const schema = ((spec["inputSchema"] as Json | undefined)?.["json"] ?? {}) as Json;
    return [{ name: spec["name"], schema }];
  });
  if (specs.length === 0) return undefined;
  const choice = toolConfig?.["toolChoice"] as Json | undefined;
  const forced = (choice?.["tool"] as Json | undefined)?.["name"];
  if (typeof forced === "string") return specs.find((spec) => spec.name === forced);
  const named = specs.find((spec) => userText.includes(spec.name));
  if (named) return named;
  return choice?.["any"] !== undefined ? specs[0] : undefined;
}

/** An input that satisfies simple schemas: each required (or every) property gets a sample. */
function exampleInput(schema: Json): Json {
  const properties = (schema["properties"] ?? {}) as Record<string, Json>;
  const required = Array.isArray(schema["required"])
    ? (schema["required"] as string[])
    : Object.keys(properties);
  const input: Json = {};
  for (const name of required) input[name] = sample(properties[name] ?? {}, name);
  return input;
}

function sample(schema: Json, name: string): unknown {
  if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return schema["enum"][0];
  switch (schema["type"]) {
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return exampleInput(schema);
    default:
      return `sample ${name}`;
  }
}
