import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";

/** Cohere-style `input_type` values (which LiteLLM clients send) in Gemini's TaskType terms. */
const TASK_TYPES: Readonly<Record<string, string>> = {
  search_document: "RETRIEVAL_DOCUMENT",
  search_query: "RETRIEVAL_QUERY",
  classification: "CLASSIFICATION",
  clustering: "CLUSTERING",
};

interface EmbedContentRequest {
  model: string;
  content: { parts: { text: string }[] };
  outputDimensionality?: number;
  taskType?: string;
}

export type GeminiEmbeddingBody = EmbedContentRequest | { requests: EmbedContentRequest[] };

/**
 * OpenAI embeddings input to Gemini: one string goes to `:embedContent`, a list to
 * `:batchEmbedContents` (`{requests: [...]}`, one per text, each naming the model).
 * `dimensions` becomes `outputDimensionality`; `task_type` (Gemini's TaskType) or a Cohere-style
 * `input_type` becomes `taskType`. Gemini embeds text only, so token-id inputs are a 400.
 */
export function convertEmbeddingRequest(
  request: EmbeddingRequest,
  deployment: ProviderDeployment,
): { method: "embedContent" | "batchEmbedContents"; body: GeminiEmbeddingBody } {
  const texts = embeddingTexts(request, deployment.provider);
  const model = `models/${deployment.model.replace(/^models\//, "")}`;
  const taskType = taskTypeOf(request);
  const one = (text: string): EmbedContentRequest => ({
    model,
    content: { parts: [{ text }] },
    ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
    ...(taskType === undefined ? {} : { taskType }),
  });
  if (typeof request.input === "string")
    return { method: "embedContent", body: one(request.input) };
  return { method: "batchEmbedContents", body: { requests: texts.map(one) } };
}

/** The input texts, in order; throws for token-id inputs. */
export function embeddingTexts(request: EmbeddingRequest, provider: string): string[] {
  const input = request.input;
  if (typeof input === "string") return [input];
  if (input.every((item): item is string => typeof item === "string")) return input;
  throw new InvalidRequestError(`${provider} embeds text only; token-id inputs are not supported`, {
    param: "input",
    provider,
  });
}

function taskTypeOf(request: EmbeddingRequest): string | undefined {
  const explicit = request.task_type;
  if (typeof explicit === "string" && explicit !== "") return explicit.toUpperCase();
  const inputType = request.input_type;
  if (inputType === undefined) return undefined;
  return TASK_TYPES[inputType] ?? inputType.toUpperCase();
}
