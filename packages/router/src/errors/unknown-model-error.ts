import { InvalidRequestError } from "@org/core";

/**
 * The requested model is no group, alias or wildcard route. LiteLLM answers 400 ("Invalid model
 * name passed in model=..."), and so do we: an InvalidRequestError with `param: "model"` and
 * code `model_not_found`. The message names only what the client sent.
 */
export class UnknownModelError extends InvalidRequestError {
  readonly model: string;

  constructor(model: string) {
    const shown = model.length > 200 ? `${model.slice(0, 200)}...` : model;
    super(
      `Invalid model name passed in model=${shown}. Call /v1/models to view available models.`,
      { param: "model", code: "model_not_found" },
    );
    this.model = model;
  }
}
