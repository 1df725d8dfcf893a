import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ContentPart } from "../../openai/chat-request.ts";

export interface OllamaUserContent {
  content: string;
  images: string[];
}

const DATA_URL = /^data:([^;,]+)?(;[^,]*)?;base64,(.*)$/s;

/**
 * OpenAI content to Ollama's `content` string plus `images` (raw base64, no `data:` prefix).
 * Text parts are concatenated. Only `data:` image URLs can be sent: Ollama takes image bytes,
 * and the adapter does no I/O, so an http(s) URL is a clear 400 rather than a silent drop.
 */
export function convertUserContent(content: string | readonly ContentPart[]): OllamaUserContent {
  if (typeof content === "string") return { content, images: [] };
  let text = "";
  const images: string[] = [];
  for (const part of content) {
    if (part.type === "text") {
      text += part.text;
      continue;
    }
    if (part.type === "image_url") {
      const url = part.image_url.url;
      const match = DATA_URL.exec(url);
      if (match === null) {
        throw new InvalidRequestError(
          "ollama takes images inline: send them as base64 data URLs " +
            "(data:image/png;base64,...); http(s) image URLs are not fetched",
          { param: "messages", code: "unsupported_image_url", provider: "ollama" },
        );
      }
      images.push(match[3] ?? "");
      continue;
    }
    throw new InvalidRequestError(
      `ollama does not accept "${part.type}" content parts; send text or image_url parts`,
      { param: "messages", code: "unsupported_content", provider: "ollama" },
    );
  }
  return { content: text, images };
}

/** The text of OpenAI content (string, or its text parts concatenated). */
export function textOf(content: string | readonly ContentPart[] | null | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
}
