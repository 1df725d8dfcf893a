import type { Model, ModelList } from "@org/core";
import { json } from "../fake-server/json.ts";
import type { Responder } from "../fake-server/responder.ts";
import { openaiError } from "./openai-error.ts";

export const DEFAULT_FAKE_MODELS: readonly string[] = [
  "gpt-4o-mini",
  "gpt-4.1-mini",
  "text-embedding-3-small",
];

const toModel = (id: string): Model => ({
  id,
  object: "model",
  created: 1_700_000_000,
  owned_by: "system",
});

/** `GET /v1/models`. */
export function listModelsResponder(models: readonly string[]): Responder {
  return () => {
    const body: ModelList = { object: "list", data: models.map(toModel) };
    return json(body);
  };
}

/** `GET /v1/models/{id}`, 404 `model_not_found` for ids not in the list. */
export function retrieveModelResponder(models: readonly string[]): Responder {
  return (req) => {
    const id = decodeURIComponent(req.pathname.replace(/^(?:\/v1)?\/models\//, ""));
    if (models.includes(id)) return json(toModel(id));
    return openaiError(404, {
      message: `The model '${id}' does not exist`,
      param: "model",
      code: "model_not_found",
    });
  };
}
