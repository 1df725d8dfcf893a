import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import type { EmbeddingModelKind } from "./embedding-model-kind.ts";

/** Cohere's `input_type` is required on Bedrock; LiteLLM defaults it to documents. */
export const DEFAULT_COHERE_INPUT_TYPE = "search_document";

/**
 * An OpenAI embeddings request as an InvokeModel body.
 *
 * Titan takes ONE text per call (`{inputText, dimensions?, normalize?}`). The adapter contract
 * builds one upstream request, so a Titan request with several inputs is a 400: the router (or
 * the client) must fan it out into one call per input. Cohere takes a batch
 * (`{texts, input_type, truncate?, embedding_types?}`, up to 96 texts).
 * Token-id inputs are rejected: Bedrock embeds text only.
 */
export function convertEmbeddingRequest(
  request: EmbeddingRequest,
  deployment: ProviderDeployment,
  kind: EmbeddingModelKind,
): Record<string, unknown> {
  const texts = textInputs(request.input);
  const extra = (name: string): unknown => request[name] ?? deployment.params[name];

  if (kind === "cohere") {
    const body: Record<string, unknown> = {
      texts,
      input_type: stringOr(extra("input_type"), DEFAULT_COHERE_INPUT_TYPE),
    };
    const truncate = extra("truncate");
    if (typeof truncate === "string") body["truncate"] = truncate;
    if (request.dimensions !== undefined) {
      // Only Embed v4 has a configurable size; v3 vectors are fixed.
      if (/embed-v4/i.test(deployment.model)) body["output_dimension"] = request.dimensions;
      else unsupported("dimensions", deployment);
    }
    return body;
  }

  if (texts.length !== 1) {
    throw new InvalidRequestError(
      `Amazon Titan embeds one input per call and this request has ${texts.length}: send one ` +
        "input per request (the router may fan the batch out)",
      { param: "input", code: "batch_not_supported", provider: "bedrock" },
    );
  }
  const body: Record<string, unknown> = { inputText: texts[0] };
  if (kind === "titan-v2") {
    if (request.dimensions !== undefined) body["dimensions"] = request.dimensions;
    const normalize = extra("normalize");
    if (typeof normalize === "boolean") body["normalize"] = normalize;
  } else if (kind === "titan-image") {
    if (request.dimensions !== undefined) {
      body["embeddingConfig"] = { outputEmbeddingLength: request.dimensions };
    }
  } else if (request.dimensions !== undefined) {
    unsupported("dimensions", deployment);
  }
  return body;
}

function textInputs(input: EmbeddingRequest["input"]): string[] {
  if (typeof input === "string") return [input];
  if (input.every((item): item is string => typeof item === "string")) return input;
  throw new InvalidRequestError("bedrock embeddings take text input, not token ids", {
    param: "input",
    code: "unsupported_input",
    provider: "bedrock",
  });
}

function unsupported(param: string, deployment: ProviderDeployment): void {
  if (deployment.dropParams) return;
  throw new InvalidRequestError(
    `bedrock model ${deployment.model} does not support '${param}'. Remove it, or set drop_params: true to drop it.`,
    { param, code: "unsupported_parameter", provider: "bedrock" },
  );
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}
