import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { cohereModelName } from "./cohere-url.ts";
import type { CohereEmbedRequest } from "./wire-schemas.ts";

/**
 * LiteLLM's default (`COHERE_DEFAULT_EMBEDDING_INPUT_TYPE`): v2 `/embed` requires an
 * `input_type`, and documents are what a gateway embeds most.
 */
export const DEFAULT_INPUT_TYPE = "search_document";

/**
 * The body of `POST /v2/embed` (cohere-typescript V2EmbedRequest): the inputs as `texts`, the
 * `input_type` from the request (a LiteLLM extension field), the deployment's params, or the
 * default; always float embeddings (base64 for the client is encoded from them, since Cohere's
 * own `base64` type is not OpenAI's float32 bytes); `dimensions` as `output_dimension`.
 * Token-id inputs cannot be embedded by Cohere and are a 400.
 */
export function convertEmbeddingRequest(
  request: EmbeddingRequest,
  deployment: ProviderDeployment,
): CohereEmbedRequest {
  const texts = embeddingTexts(request);
  const inputType = request.input_type ?? deployment.params.input_type;
  const body: CohereEmbedRequest = {
    model: cohereModelName(deployment.model),
    texts,
    input_type: typeof inputType === "string" && inputType !== "" ? inputType : DEFAULT_INPUT_TYPE,
    embedding_types: ["float"],
  };
  if (typeof request.dimensions === "number") body.output_dimension = request.dimensions;
  const truncate = request.truncate ?? deployment.params.truncate;
  if (typeof truncate === "string") body.truncate = truncate;
  return body;
}

export function embeddingTexts(request: EmbeddingRequest): string[] {
  const input = request.input;
  if (typeof input === "string") return [input];
  if (input.every((item): item is string => typeof item === "string")) return input;
  throw new InvalidRequestError("cohere embeddings take text input, not token ids", {
    param: "input",
    provider: "cohere",
  });
}
