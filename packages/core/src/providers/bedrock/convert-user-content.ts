import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ContentPart } from "../../openai/chat-request.ts";
import { parseDataUrl } from "./parse-data-url.ts";
import type {
  ConverseContentBlock,
  ConverseDocumentFormat,
  ConverseImageFormat,
} from "./wire-schemas.ts";

const IMAGE_FORMATS: Readonly<Record<string, ConverseImageFormat>> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

const DOCUMENT_FORMATS: Readonly<Record<string, ConverseDocumentFormat>> = {
  "application/pdf": "pdf",
  "text/csv": "csv",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/html": "html",
  "text/plain": "txt",
  "text/markdown": "md",
};

export const CACHE_POINT: ConverseContentBlock = { cachePoint: { type: "default" } };

/**
 * User (and system-free) content as Converse blocks. Blank text is dropped (Converse rejects
 * blank text blocks). A part with `cache_control` (Anthropic-style prompt caching, as LiteLLM
 * accepts it) is followed by a `cachePoint` block.
 *
 * Converse takes images only as bytes (or S3 locations): an http(s) image URL is a 400 here,
 * because an adapter does no I/O; the client must send a base64 data URL.
 */
export function convertUserContent(
  content: string | readonly ContentPart[],
  path: string,
): ConverseContentBlock[] {
  if (typeof content === "string") return content.trim() === "" ? [] : [{ text: content }];
  const blocks: ConverseContentBlock[] = [];
  content.forEach((part, index) => {
    const block = convertPart(part, `${path}[${index}]`, index);
    if (block === undefined) return;
    blocks.push(block);
    if (part["cache_control"] !== undefined && part["cache_control"] !== null) {
      blocks.push(CACHE_POINT);
    }
  });
  return blocks;
}

function convertPart(
  part: ContentPart,
  path: string,
  index: number,
): ConverseContentBlock | undefined {
  switch (part.type) {
    case "text":
      return part.text.trim() === "" ? undefined : { text: part.text };
    case "image_url":
      return imageBlock(part.image_url.url, path);
    case "file":
      return fileBlock(part.file, path, index);
    case "input_audio":
      throw new InvalidRequestError("Bedrock Converse does not accept audio input", {
        param: path,
        code: "unsupported_content",
        provider: "bedrock",
      });
  }
}

function imageBlock(url: string, path: string): ConverseContentBlock {
  const data = parseDataUrl(url);
  if (data === undefined) {
    throw new InvalidRequestError(
      "Bedrock Converse does not accept image URLs: send the image inline as a base64 data URL " +
        "(data:image/png;base64,...)",
      { param: path, code: "unsupported_image_url", provider: "bedrock" },
    );
  }
  const format = IMAGE_FORMATS[data.mimeType];
  if (format === undefined) {
    throw new InvalidRequestError(
      `Bedrock Converse does not support image type ${data.mimeType} (use png, jpeg, gif or webp)`,
      { param: path, code: "unsupported_image_type", provider: "bedrock" },
    );
  }
  return { image: { format, source: { bytes: data.base64 } } };
}

function fileBlock(
  file: {
    file_data?: string | undefined;
    file_id?: string | undefined;
    filename?: string | undefined;
  },
  path: string,
  index: number,
): ConverseContentBlock {
  const data = file.file_data === undefined ? undefined : parseDataUrl(file.file_data);
  if (data === undefined) {
    throw new InvalidRequestError(
      "Bedrock Converse needs files inline: send file.file_data as a base64 data URL (file_id is not supported)",
      { param: path, code: "unsupported_file", provider: "bedrock" },
    );
  }
  if (IMAGE_FORMATS[data.mimeType] !== undefined) return imageBlock(file.file_data ?? "", path);
  const format = DOCUMENT_FORMATS[data.mimeType];
  if (format === undefined) {
    throw new InvalidRequestError(`Bedrock Converse does not support file type ${data.mimeType}`, {
      param: path,
      code: "unsupported_file_type",
      provider: "bedrock",
    });
  }
  return {
    document: { format, name: documentName(file.filename, index), source: { bytes: data.base64 } },
  };
}

/**
 * Converse document names allow only letters, digits, whitespace (one at a time), hyphens,
 * parentheses and square brackets; the extension is dropped since `format` carries it.
 */
function documentName(filename: string | undefined, index: number): string {
  const stem = (filename ?? "").replace(/\.[^.]*$/, "");
  const cleaned = stem
    .replace(/[^A-Za-z0-9\s\-()[\]]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return cleaned === "" ? `document-${index + 1}` : cleaned;
}
