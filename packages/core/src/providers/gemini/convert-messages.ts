import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatMessage, ContentPart } from "../../openai/chat-request.ts";
import { contentText, convertContentParts } from "./convert-content-parts.ts";
import type { GeminiModelTraits } from "./gemini-model-traits.ts";
import { SKIP_THOUGHT_SIGNATURE, thoughtSignatureFromId } from "./tool-call-id.ts";
import type { GeminiContent, GeminiPart, GeminiRole } from "./wire-schemas.ts";

export interface ConvertedMessages {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
}

/**
 * OpenAI messages to Gemini `contents` + `systemInstruction` (wire-formats §11.3):
 * - every system/developer message, wherever it sits, becomes a `systemInstruction` part, in order;
 * - `assistant` becomes `model`; its tool calls become `functionCall` parts, carrying the
 *   thought signature decoded from the tool call id;
 * - `tool` results become `functionResponse` parts of a `user` turn, named after the assistant
 *   tool call with that id (Gemini pairs results by name, not id);
 * - consecutive turns of the same role merge, so tool results and the user text after them
 *   form one user turn, results first.
 * Assistant `reasoning_content` is not replayed: Gemini only accepts its own thoughts back as
 * signed parts, and the signature that matters (on function calls) travels in the tool call id.
 */
export function convertMessages(
  messages: readonly ChatMessage[],
  traits: GeminiModelTraits,
  provider: string,
): ConvertedMessages {
  const toolNames = toolNamesById(messages);
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];

  const push = (role: GeminiRole, parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer": {
        const text = contentText(message.content);
        if (text !== "") system.push({ text });
        break;
      }
      case "user":
        push("user", convertContentParts(message.content, provider));
        break;
      case "assistant":
        push("model", assistantParts(message));
        break;
      case "tool": {
        const name = toolNames.get(message.tool_call_id);
        if (name === undefined) {
          throw new InvalidRequestError(
            `Tool message with tool_call_id '${message.tool_call_id}' does not answer any earlier assistant tool call; ${provider} needs the function name`,
            { param: "messages", provider },
          );
        }
        push("user", functionResponseParts(name, message.content, provider));
        break;
      }
      case "function":
        push("user", functionResponseParts(message.name, message.content ?? "", provider));
        break;
    }
  }

  if (traits.usesThinkingLevel) addMissingSignatures(contents);

  // Gemini rejects a request without contents; a system-only conversation is sent as the user turn.
  if (contents.length === 0 && system.length > 0) {
    return { contents: [{ role: "user", parts: system.map((part) => ({ text: part.text })) }] };
  }
  return system.length > 0 ? { contents, systemInstruction: { parts: system } } : { contents };
}

function toolNamesById(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  return names;
}

function assistantParts(message: Extract<ChatMessage, { role: "assistant" }>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const text = contentText(message.content);
  // No empty text parts: Gemini rejects them ("empty text parameter").
  if (text !== "") parts.push({ text });
  for (const call of message.tool_calls ?? []) {
    const part: GeminiPart = {
      functionCall: { name: call.function.name, args: parseArguments(call.function.arguments) },
    };
    const signature = thoughtSignatureFromId(call.id);
    if (signature !== undefined) part.thoughtSignature = signature;
    parts.push(part);
  }
  if (message.function_call) {
    parts.push({
      functionCall: {
        name: message.function_call.name,
        args: parseArguments(message.function_call.arguments),
      },
    });
  }
  return parts;
}

/** `functionCall.args` must be an object; empty or unparsable arguments become `{}`. */
function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) ? value : {};
  } catch {
    return {};
  }
}

/**
 * `functionResponse.response` must be a JSON object: an object result passes as is, anything
 * else (plain text, arrays, numbers) is wrapped as `{content: <text>}`. Non-text parts of a
 * tool result (images) follow the response as ordinary parts.
 */
function functionResponseParts(
  name: string,
  content: string | readonly ContentPart[],
  provider: string,
): GeminiPart[] {
  const text = contentText(content);
  let response: Record<string, unknown> = { content: text };
  try {
    const value: unknown = JSON.parse(text);
    if (isPlainObject(value)) response = value;
  } catch {
    // Plain text: keep the wrapper.
  }
  const extra =
    typeof content === "string"
      ? []
      : convertContentParts(
          content.filter((part) => part.type !== "text"),
          provider,
        );
  return [{ functionResponse: { name, response } }, ...extra];
}

/**
 * Gemini 3 answers 400 when a replayed model turn's first function call has no signature
 * (history from another provider, or ids rewritten by the client). Google documents a
 * placeholder for exactly that case; real signatures are never replaced.
 */
function addMissingSignatures(contents: GeminiContent[]): void {
  for (const content of contents) {
    if (content.role !== "model") continue;
    const first = content.parts.find((part) => part.functionCall !== undefined);
    if (first !== undefined && first.thoughtSignature === undefined) {
      first.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
