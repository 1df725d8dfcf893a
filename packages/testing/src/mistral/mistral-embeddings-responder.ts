import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { embeddingToBase64, fakeEmbedding } from "../openai/fake-embedding.ts";
import { fakeTokenCount } from "../openai/fake-tokens.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { mistralError } from "./mistral-error.ts";
import { validateMistralEmbeddingBody } from "./validate-mistral-body.ts";

/** `POST /v1/embeddings` (`mistral-embed` is 1024-dimensional; `output_dimension` overrides). */
export function mistralEmbeddingsResponder(defaultDimensions = 1024) {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body)) return mistralError(400, { message: "Invalid request body" });
    const invalid = validateMistralEmbeddingBody(body);
    if (invalid !== undefined) return invalid;
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    if (!Array.isArray(inputs) || !inputs.every((item) => typeof item === "string")) {
      return mistralError(422, {
        message: {
          detail: [
            { type: "string_type", loc: ["body", "input"], msg: "Input should be a valid string" },
          ],
        },
      });
    }
    const dimensions =
      typeof body.output_dimension === "number" ? body.output_dimension : defaultDimensions;
    const tokens = inputs.reduce((sum: number, text: string) => sum + fakeTokenCount(text), 0);
    return json({
      id: `embd-${Math.random().toString(16).slice(2, 18)}`,
      object: "list",
      data: inputs.map((text: string, index) => {
        const vector = fakeEmbedding(text, dimensions);
        return {
          object: "embedding",
          embedding:
            body.encoding_format === "base64" ? embeddingToBase64(vector) : Array.from(vector),
          index,
        };
      }),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
    });
  };
}
