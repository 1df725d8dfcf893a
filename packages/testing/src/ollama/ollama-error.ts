import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";

export interface OllamaErrorOptions {
  headers?: Readonly<Record<string, string>>;
}

/** Ollama's error response: `{"error": "..."}` with the status (docs/api/errors.mdx). */
export function ollamaError(
  status: number,
  message: string,
  options: OllamaErrorOptions = {},
): FakeReply {
  return json(
    { error: message },
    {
      status,
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    },
  );
}

/**
 * A missing model: current builds say `model 'x' not found`; older ones said
 * `model "x" not found, try pulling it first`.
 */
export function ollamaModelNotFoundError(
  model: string,
  options: { legacy?: boolean } = {},
): FakeReply {
  return ollamaError(
    404,
    options.legacy
      ? `model "${model}" not found, try pulling it first`
      : `model '${model}' not found`,
  );
}

/** What a runner without context shift answers for a prompt over `num_ctx` (llm/llama_server.go). */
export function ollamaContextLengthError(): FakeReply {
  return ollamaError(
    400,
    "the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length",
  );
}

export function ollamaUnauthorizedError(): FakeReply {
  return json({ error: "unauthorized", signin_url: "https://ollama.com/connect" }, { status: 401 });
}

/** The object Ollama writes as the last NDJSON line when a stream fails after it started. */
export function ollamaStreamError(message = "an error was encountered while running the model"): {
  error: string;
} {
  return { error: message };
}
