import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ContentPart } from "../../openai/chat-request.ts";
import { guessMimeType } from "./guess-mime-type.ts";
import type { GeminiPart } from "./wire-schemas.ts";

/**
 * Image types Gemini refuses (it reads PNG, JPEG, WEBP, HEIC, HEIF; GIF is accepted in
 * practice). Failing here gives the client a clear 400 instead of Gemini's generic one.
 */
const UNSUPPORTED_IMAGE_TYPES = new Set(["image/svg+xml", "image/bmp", "image/tiff"]);

/** Converts OpenAI message content (user or tool) to Gemini parts; empty text is dropped. */
export function convertContentParts(
  content: string | readonly ContentPart[],
  provider: string,
): GeminiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  for (const part of content) {
    switch (part.type) {
      case "text":
        if (part.text !== "") parts.push({ text: part.text });
        break;
      case "image_url":
        // `detail` has no Gemini equivalent (media resolution is per request) and is dropped.
        parts.push(urlPart(part.image_url.url, undefined, provider, "image"));
        break;
      case "input_audio":
        parts.push({
          inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
        });
        break;
      case "file":
        parts.push(filePart(part.file, provider));
        break;
    }
  }
  return parts;
}

/** Text-only view of content, for system instructions. */
export function contentText(content: string | readonly ContentPart[] | null | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content
    .filter((part) => part.type === "text")
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("\n");
}

function filePart(
  file: {
    file_data?: string | undefined;
    file_id?: string | undefined;
    filename?: string | undefined;
    format?: unknown;
  },
  provider: string,
): GeminiPart {
  const format = typeof file.format === "string" ? file.format : undefined;
  if (file.file_data !== undefined) return urlPart(file.file_data, format, provider, "file");
  const id = file.file_id;
  if (id !== undefined && isRemoteUri(id)) {
    return urlPart(
      id,
      format ?? (file.filename === undefined ? undefined : guessMimeType(file.filename)),
      provider,
      "file",
    );
  }
  throw new InvalidRequestError(
    `${provider} cannot read OpenAI file ids; send the file as file_data (a data URL) or as an https:// or gs:// URI`,
    { param: "messages", provider },
  );
}

function urlPart(
  url: string,
  mimeOverride: string | undefined,
  provider: string,
  kind: "image" | "file",
): GeminiPart {
  if (url.startsWith("data:")) {
    const parsed = parseDataUrl(url);
    if (parsed === undefined) {
      throw new InvalidRequestError(
        `${provider} needs base64 data URLs (data:<mime>;base64,<data>)`,
        {
          param: "messages",
          provider,
        },
      );
    }
    const mimeType = mimeOverride ?? parsed.mimeType;
    rejectUnsupportedImage(mimeType, provider);
    return { inlineData: { mimeType, data: parsed.data } };
  }
  if (isRemoteUri(url)) {
    const guessed = mimeOverride ?? guessMimeType(url);
    if (guessed !== undefined) rejectUnsupportedImage(guessed, provider);
    // Gemini requires a mimeType on fileData; an extension-less image URL is most often JPEG.
    const mimeType = guessed ?? (kind === "image" ? "image/jpeg" : "application/octet-stream");
    return { fileData: { mimeType, fileUri: url } };
  }
  throw new InvalidRequestError(
    `${provider} cannot read ${kind} URL '${url.slice(0, 64)}': use a data URL or an https:// or gs:// URI`,
    {
      param: "messages",
      provider,
    },
  );
}

function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const comma = url.indexOf(",");
  if (comma === -1) return undefined;
  const meta = url.slice("data:".length, comma).split(";");
  if (!meta.slice(1).some((param) => param.toLowerCase() === "base64")) return undefined;
  const mimeType =
    meta[0] === undefined || meta[0] === "" ? "application/octet-stream" : meta[0].toLowerCase();
  return { mimeType, data: url.slice(comma + 1) };
}

function isRemoteUri(url: string): boolean {
  return /^(https?:\/\/|gs:\/\/)/i.test(url);
}

function rejectUnsupportedImage(mimeType: string, provider: string): void {
  if (UNSUPPORTED_IMAGE_TYPES.has(mimeType)) {
    throw new InvalidRequestError(
      `${provider} does not accept ${mimeType} images; use PNG, JPEG, WEBP, HEIC or HEIF`,
      { param: "messages", provider, code: "invalid_image_format" },
    );
  }
}
