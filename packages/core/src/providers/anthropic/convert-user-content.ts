import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ContentPart } from "../../openai/chat-request.ts";
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlockParam,
  AnthropicImageBlockParam,
  AnthropicTextBlockParam,
} from "./wire-schemas.ts";
import { isRecord } from "../../util/is-record.ts";

export type AnthropicUserContentBlock =
  AnthropicTextBlockParam | AnthropicImageBlockParam | AnthropicDocumentBlockParam;

const IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
]);

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s;

/**
 * OpenAI user/tool content to Anthropic blocks. Empty text is dropped (Anthropic rejects empty
 * text blocks). `cache_control` on a part (LiteLLM's prompt-caching extension) is kept.
 */
export function convertUserContent(content: string | ContentPart[]): AnthropicUserContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: AnthropicUserContentBlock[] = [];
  for (const part of content) {
    const block = convertPart(part);
    if (block !== undefined) blocks.push(block);
  }
  return blocks;
}

function convertPart(part: ContentPart): AnthropicUserContentBlock | undefined {
  const cache = cacheControlOf(part);
  switch (part.type) {
    case "text":
      return part.text === "" ? undefined : { type: "text", text: part.text, ...cache };
    case "image_url":
      // `detail` has no Anthropic equivalent and is dropped.
      return { ...imageOrDocument(part.image_url.url), ...cache };
    case "file": {
      const data = part.file.file_data;
      if (typeof data !== "string") {
        throw new InvalidRequestError(
          "anthropic: file parts need inline `file_data` (a data URL); `file_id` is not supported",
          { param: "messages", provider: "anthropic" },
        );
      }
      const block = imageOrDocument(
        data.startsWith("data:") ? data : `data:application/pdf;base64,${data}`,
      );
      const title = part.file.filename;
      return block.type === "document" && typeof title === "string"
        ? { ...block, title, ...cache }
        : { ...block, ...cache };
    }
    case "input_audio":
      throw new InvalidRequestError("anthropic does not accept audio input", {
        param: "messages",
        provider: "anthropic",
      });
  }
}

/**
 * A data URL becomes a base64 source (images: jpeg/png/gif/webp; PDFs and plain text become a
 * `document`); an http(s) URL becomes a `url` source that Anthropic fetches itself. A PDF URL
 * (by its extension) is a document too.
 */
function imageOrDocument(url: string): AnthropicImageBlockParam | AnthropicDocumentBlockParam {
  const match = DATA_URL.exec(url);
  if (match) {
    const mediaType = (match[1] ?? "").toLowerCase();
    const data = match[3] ?? "";
    if (IMAGE_MEDIA_TYPES.has(mediaType)) {
      return { type: "image", source: { type: "base64", media_type: mediaType, data } };
    }
    if (mediaType === "application/pdf") {
      return { type: "document", source: { type: "base64", media_type: mediaType, data } };
    }
    if (mediaType === "text/plain") {
      const text = decodeBase64Utf8(data);
      return { type: "document", source: { type: "text", media_type: mediaType, data: text } };
    }
    throw new InvalidRequestError(
      `anthropic does not accept ${mediaType || "this"} content: images must be ` +
        "image/jpeg, image/png, image/gif or image/webp; documents application/pdf or text/plain",
      { param: "messages", provider: "anthropic" },
    );
  }
  if (/^https?:\/\//i.test(url)) {
    if (/\.pdf(?:$|[?#])/i.test(url)) return { type: "document", source: { type: "url", url } };
    return { type: "image", source: { type: "url", url } };
  }
  throw new InvalidRequestError(
    "anthropic: image_url must be a data URL (data:<mime>;base64,...) or an http(s) URL",
    { param: "messages", provider: "anthropic" },
  );
}

export function cacheControlOf(value: unknown): { cache_control?: AnthropicCacheControl } {
  if (!isRecord(value)) return {};
  const cache = value.cache_control;
  return isRecord(cache) && cache.type === "ephemeral"
    ? { cache_control: cache as AnthropicCacheControl }
    : {};
}

function decodeBase64Utf8(data: string): string {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}
