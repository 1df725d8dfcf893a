import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatMessage, ContentPart } from "../../openai/chat-request.ts";
import type {
  ResponsesFunctionCallItem,
  ResponsesFunctionCallOutputItem,
  ResponsesMessageContentPart,
  ResponsesMessageItem,
  ResponsesInputItem,
} from "./responses-input-item.ts";

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;
type TextPart = Extract<ContentPart, { type: "text" }>;

/**
 * `instructions` + `input` as chat messages:
 * - `instructions` becomes the first (system) message;
 * - a string input is one user message;
 * - `function_call` items join the assistant message before them (or start one), so parallel
 *   calls end up in one message with several `tool_calls`, as chat requires before the
 *   matching `tool` messages; an assistant message replayed after its own calls is folded in;
 * - `function_call_output` items become `tool` messages;
 * - `reasoning` items are dropped: chat upstreams take no reasoning back (several reject it).
 */
export function responsesInputToMessages(
  input: string | readonly ResponsesInputItem[],
  instructions: string | null | undefined,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: "system", content: instructions });
  if (typeof input === "string") {
    messages.push({ role: "user", content: input });
    return messages;
  }
  input.forEach((item, index) => {
    switch (item.type) {
      case "message":
        addMessage(messages, item, index);
        break;
      case "function_call":
        addFunctionCall(messages, item);
        break;
      case "function_call_output":
        messages.push(toolMessage(item, index));
        break;
      case "reasoning":
        break;
    }
  });
  return messages;
}

function addMessage(messages: ChatMessage[], item: ResponsesMessageItem, index: number): void {
  if (item.role === "assistant") {
    const { content, refusal } = assistantContent(item.content, index);
    const last = messages.at(-1);
    if (last?.role === "assistant" && last.tool_calls && !last.content && content !== null) {
      last.content = content;
      return;
    }
    const message: AssistantMessage = { role: "assistant", content };
    if (refusal !== undefined) message.refusal = refusal;
    messages.push(message);
    return;
  }
  if (item.role === "user") {
    messages.push({
      role: "user",
      content:
        typeof item.content === "string"
          ? item.content
          : item.content.map((part, partIndex) =>
              userPart(part, `input[${index}].content[${partIndex}]`),
            ),
    });
    return;
  }
  messages.push({
    role: item.role,
    content:
      typeof item.content === "string"
        ? item.content
        : textParts(item.content, `input[${index}].content`, `${item.role} messages`),
  });
}

function addFunctionCall(messages: ChatMessage[], item: ResponsesFunctionCallItem): void {
  const call = {
    id: item.call_id,
    type: "function" as const,
    function: { name: item.name, arguments: item.arguments },
  };
  const last = messages.at(-1);
  if (last?.role === "assistant") {
    last.tool_calls = [...(last.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: "assistant", content: null, tool_calls: [call] });
}

function toolMessage(item: ResponsesFunctionCallOutputItem, index: number): ChatMessage {
  return {
    role: "tool",
    tool_call_id: item.call_id,
    content:
      typeof item.output === "string"
        ? item.output
        : textParts(item.output, `input[${index}].output`, "function_call_output items"),
  };
}

/** Assistant text as one string (the most widely accepted form); a refusal is kept apart. */
function assistantContent(
  content: ResponsesMessageItem["content"],
  index: number,
): { content: string | null; refusal?: string } {
  if (typeof content === "string") return { content };
  let text: string | null = null;
  let refusal: string | undefined;
  for (const [partIndex, part] of content.entries()) {
    if (part.type === "output_text" || part.type === "input_text") {
      text = (text ?? "") + part.text;
    } else if (part.type === "refusal") {
      refusal = (refusal ?? "") + part.refusal;
    } else {
      throw unsupportedPart(part, `input[${index}].content[${partIndex}]`, "assistant messages");
    }
  }
  return refusal === undefined ? { content: text } : { content: text, refusal };
}

function userPart(part: ResponsesMessageContentPart, param: string): ContentPart {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: part.text };
    case "input_image": {
      if (!part.image_url) {
        throw new InvalidRequestError(
          "input_image needs an image_url (a URL or a data: URL); file_id references need " +
            "OpenAI's file storage, which this gateway does not have",
          { param, code: "unsupported_value" },
        );
      }
      const detail = part.detail === "original" ? "high" : part.detail;
      return {
        type: "image_url",
        image_url: detail ? { url: part.image_url, detail } : { url: part.image_url },
      };
    }
    case "input_file": {
      if (part.file_url) {
        throw new InvalidRequestError(
          "input_file with file_url is not supported; send the file as file_data",
          { param, code: "unsupported_value" },
        );
      }
      const file: Record<string, string> = {};
      if (part.file_data) file.file_data = part.file_data;
      if (part.file_id) file.file_id = part.file_id;
      if (part.filename) file.filename = part.filename;
      return { type: "file", file };
    }
    case "input_audio":
      return { type: "input_audio", input_audio: part.input_audio };
    case "refusal":
      throw unsupportedPart(part, param, "user messages");
  }
}

/** Chat takes only text in system, developer and tool messages. */
function textParts(
  parts: readonly ResponsesMessageContentPart[],
  param: string,
  where: string,
): TextPart[] {
  return parts.map((part, partIndex) => {
    if (part.type === "input_text" || part.type === "output_text") {
      return { type: "text", text: part.text };
    }
    throw unsupportedPart(part, `${param}[${partIndex}]`, where);
  });
}

function unsupportedPart(
  part: ResponsesMessageContentPart,
  param: string,
  where: string,
): InvalidRequestError {
  return new InvalidRequestError(
    `Content parts of type '${part.type}' are not supported in ${where}`,
    {
      param,
      code: "unsupported_value",
    },
  );
}
