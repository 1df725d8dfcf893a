import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ContentPart } from "../../openai/chat-request.ts";
import type { CohereImageContent, CohereTextContent } from "./wire-schemas.ts";

/**
 * User content for Cohere v2: a string stays a string; parts become `text` and `image_url`
 * parts. Cohere takes image URLs itself, both `data:` URLs and http(s) URLs (the SDK's own
 * example sends an https URL), so nothing is downloaded here. Audio and files have no Cohere
 * chat equivalent and are a clear 400 rather than silently dropped.
 */
export function convertUserContent(
  content: string | readonly ContentPart[],
): string | (CohereTextContent | CohereImageContent)[] {
  if (typeof content === "string") return content;
  return content.map((part) => {
    switch (part.type) {
      case "text":
        return { type: "text", text: part.text };
      case "image_url": {
        const { url, detail } = part.image_url;
        return { type: "image_url", image_url: detail === undefined ? { url } : { url, detail } };
      }
      default:
        throw new InvalidRequestError(
          `cohere does not accept "${part.type}" content parts; send text or image_url parts`,
          { param: "messages", code: "unsupported_content", provider: "cohere" },
        );
    }
  });
}

/** The text of OpenAI content (string, or its text parts joined), for roles that take text. */
export function textOf(content: string | readonly ContentPart[] | null | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
}
