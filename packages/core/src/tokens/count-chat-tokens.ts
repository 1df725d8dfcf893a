import type { ChatCompletionRequest, ContentPart } from "../openai/chat-request.ts";
import { countToolTokens } from "./count-tool-tokens.ts";
import { imageSizeOf } from "./image-dimensions.ts";
import { imageTokens } from "./image-tokens.ts";
import { tiktokenEncoding } from "./tiktoken-encodings.ts";
import { tokenizerProfile, type TokenizerTarget } from "./tokenizer-profile.ts";

/**
 * OpenAI's chat framing, as its cookbook documents for every model since gpt-3.5-turbo-0613:
 * each message costs 3 tokens around its fields, a `name` 1 more, and every reply is primed with
 * 3 (`<|start|>assistant<|message|>`).
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
/**
 * Framing of one tool call in an assistant message (our approximation: OpenAI does not document
 * it): the call's name and arguments are counted as text, plus these.
 */
export const TOKENS_PER_TOOL_CALL = 3;

/**
 * Prompt tokens of a chat request, for context-window checks and budget reservations:
 * - text (message contents, roles, names, tool calls and their arguments, tool definitions, a
 *   `json_schema` response format) with the model's tokenizer and OpenAI's framing; exact for
 *   OpenAI models on plain text, an estimate elsewhere (`TokenizerProfile`);
 * - images by the model family's image rule, sized from the data URL's header when it has one;
 * - audio and file parts are not counted: their cost depends on decoding them.
 */
export function countChatTokens(request: ChatCompletionRequest, target: TokenizerTarget): number {
  const profile = tokenizerProfile(target);
  const tokenizer = tiktokenEncoding(profile.encoding);
  const count = (text: string): number => tokenizer.count(text);

  let text = REPLY_PRIMING_TOKENS;
  let images = 0;
  const addContent = (content: string | readonly ContentPart[] | null | undefined): void => {
    if (typeof content === "string") {
      text += count(content);
      return;
    }
    for (const part of content ?? []) {
      if (part.type === "text") text += count(part.text);
      else if (part.type === "image_url") {
        images += imageTokens(
          profile.images,
          imageSizeOf(part.image_url.url),
          part.image_url.detail,
        );
      }
    }
  };

  for (const message of request.messages) {
    text += TOKENS_PER_MESSAGE + count(message.role);
    if ("name" in message && typeof message.name === "string") {
      text += count(message.name) + TOKENS_PER_NAME;
    }
    addContent(message.content);
    if (message.role === "assistant") {
      for (const call of message.tool_calls ?? []) {
        text += TOKENS_PER_TOOL_CALL + count(call.function.name) + count(call.function.arguments);
      }
      if (message.function_call) {
        text +=
          TOKENS_PER_TOOL_CALL +
          count(message.function_call.name) +
          count(message.function_call.arguments);
      }
    }
  }

  text += countToolTokens(request.tools, count, profile.encoding);
  text += countToolTokens(request.functions, count, profile.encoding);
  const format = request.response_format;
  if (format?.type === "json_schema") {
    // The schema reaches the model as text; counted as its JSON, with its name.
    text += count(format.json_schema.name) + count(JSON.stringify(format.json_schema.schema ?? {}));
  }

  const scaled = profile.factor === 1 ? text : Math.ceil(text * profile.factor);
  return scaled + images;
}
