import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { fakeEmbedding } from "../openai/fake-embedding.ts";
import { fakeTokenCount } from "../openai/fake-tokens.ts";
import { cohereError } from "./cohere-error.ts";
import { cohereGenerationId } from "./cohere-ids.ts";
import { isRecord } from "../fake-server/is-record.ts";

const INPUT_TYPES = new Set([
  "search_document",
  "search_query",
  "classification",
  "clustering",
  "image",
]);

/**
 * `POST /v2/embed` (cohere-typescript V2EmbedRequest / EmbedByTypeResponse): `texts`, a
 * required `input_type` and `embedding_types`; answers `embeddings.<type>` per requested type
 * (deterministic vectors, `output_dimension` values, default `dimensions`) and
 * `meta.billed_units.input_tokens`. At most 96 texts per call, as Cohere allows.
 */
export function embedResponder(dimensions = 8) {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body)) return cohereError(400, "invalid json syntax: invalid character in body");
    if (typeof body.model !== "string") {
      return cohereError(400, "a model parameter is required for this endpoint.");
    }
    const texts = body.texts;
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === "string")) {
      return cohereError(400, "invalid request: texts must be a list of strings.");
    }
    if (texts.length > 96) {
      return cohereError(
        400,
        `invalid request: total number of texts must be at most 96 - received ${texts.length}`,
      );
    }
    if (typeof body.input_type !== "string" || !INPUT_TYPES.has(body.input_type)) {
      return cohereError(
        400,
        "invalid request: valid input_type must be provided with the provided model",
      );
    }
    const types = body.embedding_types;
    if (!Array.isArray(types) || types.length === 0) {
      return cohereError(400, "embedding_types parameter is required");
    }
    const size = typeof body.output_dimension === "number" ? body.output_dimension : dimensions;
    const embeddings: Record<string, unknown> = {};
    for (const type of types) {
      if (type !== "float") {
        return cohereError(
          400,
          `invalid request: the fake only serves float embeddings, not ${String(type)}`,
        );
      }
      embeddings.float = texts.map((text) => Array.from(fakeEmbedding(text, size)));
    }
    const tokens = texts.reduce((sum, text) => sum + fakeTokenCount(text), 0);
    return json({
      id: cohereGenerationId(),
      embeddings,
      texts,
      meta: { api_version: { version: "2" }, billed_units: { input_tokens: tokens } },
      response_type: "embeddings_by_type",
    });
  };
}
