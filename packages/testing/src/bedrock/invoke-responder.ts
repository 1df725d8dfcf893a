import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { bedrockValidationError } from "./bedrock-error.ts";
import { bedrockRequestId } from "./bedrock-request-id.ts";
import { fakeVector } from "./fake-vector.ts";
import { fakeWordCount } from "./fake-words.ts";

export interface InvokeResponderOptions {
  /** Vector length when the request does not set one (default 8; real Titan v2 uses 1024). */
  embeddingDimensions?: number;
}

const TITAN_V2_DIMENSIONS = new Set([256, 512, 1024]);

/**
 * `POST /model/{id}/invoke` for the embedding models: Titan (`{inputText, dimensions?,
 * normalize?}` to `{embedding, inputTextTokenCount, embeddingsByType}`) and Cohere Embed
 * (`{texts, input_type}` to `{id, embeddings, texts, response_type}`). Bedrock also reports the
 * prompt size in `x-amzn-bedrock-input-token-count`.
 */
export function invokeResponder(options: InvokeResponderOptions = {}) {
  return (req: RecordedRequest, modelId: string): FakeResponse => {
    const body = req.json as Record<string, unknown> | undefined;
    if (typeof body !== "object" || body === null) {
      return bedrockValidationError(
        "Malformed input request, please reformat your input and try again.",
      );
    }
    const fallbackDimensions = options.embeddingDimensions ?? 8;

    if (modelId.includes("titan-embed")) {
      const text = body["inputText"];
      if (typeof text !== "string") {
        return bedrockValidationError(
          "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.",
        );
      }
      const dimensions = body["dimensions"];
      if (
        dimensions !== undefined &&
        !(modelId.includes("v2") && TITAN_V2_DIMENSIONS.has(dimensions as number))
      ) {
        return bedrockValidationError(
          `Malformed input request: #/dimensions: ${String(dimensions)} is not a valid enum value, please reformat your input and try again.`,
        );
      }
      const tokens = fakeWordCount(text);
      const embedding = fakeVector(
        text,
        typeof dimensions === "number" ? dimensions : fallbackDimensions,
      );
      return json(
        { embedding, inputTextTokenCount: tokens, embeddingsByType: { float: embedding } },
        { headers: invokeHeaders(tokens) },
      );
    }

    if (modelId.includes("cohere.embed")) {
      const texts = body["texts"];
      if (!Array.isArray(texts) || !texts.every((text) => typeof text === "string")) {
        return bedrockValidationError(
          "Malformed input request: #: required key [texts] not found, please reformat your input and try again.",
        );
      }
      if (typeof body["input_type"] !== "string") {
        return bedrockValidationError(
          "Malformed input request: #: required key [input_type] not found, please reformat your input and try again.",
        );
      }
      const tokens = texts.reduce((sum: number, text: string) => sum + fakeWordCount(text), 0);
      const size =
        typeof body["output_dimension"] === "number"
          ? body["output_dimension"]
          : fallbackDimensions;
      return json(
        {
          id: bedrockRequestId(),
          embeddings: texts.map((text: string) => fakeVector(text, size)),
          texts,
          response_type: "embeddings_floats",
        },
        { headers: invokeHeaders(tokens) },
      );
    }

    return bedrockValidationError("The provided model identifier is invalid.");
  };
}

function invokeHeaders(inputTokens: number): Record<string, string> {
  return {
    "x-amzn-requestid": bedrockRequestId(),
    "x-amzn-bedrock-input-token-count": String(inputTokens),
    "x-amzn-bedrock-output-token-count": "0",
    "x-amzn-bedrock-invocation-latency": "42",
  };
}
