import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { fakeEmbedding } from "../openai/fake-embedding.ts";
import { fakeTokenCount } from "../openai/fake-tokens.ts";
import { hasModel } from "./has-model.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { ollamaError } from "./ollama-error.ts";

/**
 * `POST /api/embed` (`api.EmbedRequest` / `api.EmbedResponse`): `input` is a string or a list
 * of strings; the answer is `{model, embeddings: [[...]], total_duration, load_duration,
 * prompt_eval_count}` with deterministic vectors of `dimensions` (or the default) values.
 */
export function embedResponder(defaultDimensions = 8, models?: readonly string[]) {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body)) return ollamaError(400, "missing request body");
    if (typeof body.model !== "string" || body.model === "")
      return ollamaError(400, "model is required");
    if (models !== undefined && !hasModel(models, body.model)) {
      return ollamaError(404, `model '${body.model}' not found`);
    }
    const input = typeof body.input === "string" ? [body.input] : body.input;
    if (!Array.isArray(input) || !input.every((item) => typeof item === "string")) {
      return ollamaError(400, "invalid input type");
    }
    const size = typeof body.dimensions === "number" ? body.dimensions : defaultDimensions;
    return json({
      model: body.model,
      embeddings: input.map((text) => Array.from(fakeEmbedding(text, size))),
      total_duration: 14143917,
      load_duration: 1019500,
      prompt_eval_count: input.reduce((sum, text) => sum + fakeTokenCount(text), 0),
    });
  };
}
