import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { isRecord } from "../../util/is-record.ts";
import type { OllamaEmbedRequest } from "./wire-schemas.ts";

/**
 * The body of `POST /api/embed`: `input` as sent (a string or a list of strings), `dimensions`
 * as is, and `truncate`, `keep_alive` and `options` from the request or the deployment.
 * Ollama embeds text only, so token-id inputs are a 400.
 */
export function convertEmbeddingRequest(
  request: EmbeddingRequest,
  deployment: ProviderDeployment,
): OllamaEmbedRequest {
  const input = request.input;
  if (typeof input !== "string" && !input.every((item) => typeof item === "string")) {
    throw new InvalidRequestError(
      `${deployment.provider} embeddings take text input, not token ids`,
      {
        param: "input",
        provider: deployment.provider,
      },
    );
  }
  const body: OllamaEmbedRequest = { model: deployment.model, input: input as string | string[] };
  if (typeof request.dimensions === "number") body.dimensions = request.dimensions;
  const truncate = request.truncate ?? deployment.params.truncate;
  if (typeof truncate === "boolean") body.truncate = truncate;
  const keepAlive = request.keep_alive ?? deployment.params.keep_alive;
  if (typeof keepAlive === "string" || typeof keepAlive === "number") body.keep_alive = keepAlive;
  const options = request.options ?? deployment.params.options;
  if (isRecord(options)) body.options = options;
  return body;
}
