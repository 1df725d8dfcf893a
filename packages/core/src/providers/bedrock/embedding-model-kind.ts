import { InvalidRequestError } from "../../errors/gateway-error.ts";

/**
 * The embedding families reachable through InvokeModel, each with its own body:
 * Amazon Titan text (`amazon.titan-embed-text-v1`, `-v2:0`), Titan multimodal
 * (`amazon.titan-embed-image-v1`, text input only here) and Cohere Embed
 * (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`, `cohere.embed-v4:0`).
 */
export type EmbeddingModelKind = "titan-v1" | "titan-v2" | "titan-image" | "cohere";

export function embeddingModelKind(modelId: string): EmbeddingModelKind {
  const id = modelId.toLowerCase();
  if (id.includes("titan-embed-text-v2")) return "titan-v2";
  if (id.includes("titan-embed-image")) return "titan-image";
  if (id.includes("titan-embed")) return "titan-v1";
  if (id.includes("cohere.embed")) return "cohere";
  throw new InvalidRequestError(
    `bedrock embeddings support Amazon Titan and Cohere Embed models, not ${modelId}`,
    { param: "model", code: "unsupported_model", provider: "bedrock" },
  );
}
