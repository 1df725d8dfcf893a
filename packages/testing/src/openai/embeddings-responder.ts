import type { EmbeddingResponse } from "@org/core";
import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { Responder } from "../fake-server/responder.ts";
import { embeddingToBase64, fakeEmbedding } from "./fake-embedding.ts";
import { fakeTokenCount } from "./fake-tokens.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { openaiError } from "./openai-error.ts";
import type { OpenAIHeaders } from "./openai-rate-limits.ts";

export interface EmbeddingsResponderOptions {
  /** Vector length when the request has no `dimensions`; small by default to keep tests readable. */
  dimensions?: number;
}

/**
 * `POST /v1/embeddings`: one `fakeEmbedding` per input (strings, or token arrays keyed by their
 * JSON), as floats or, for `encoding_format: "base64"` (openai-node's default), as base64.
 */
export function embeddingsResponder(
  headersFor: OpenAIHeaders,
  options: EmbeddingsResponderOptions = {},
): Responder {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body) || typeof body["model"] !== "string") {
      return openaiError(400, { message: "you must provide a model parameter" });
    }
    const inputs = normalizeInput(body["input"]);
    if (inputs === undefined) {
      return openaiError(400, {
        message: "'input' is a required property",
        param: "input",
        code: null,
      });
    }
    const dimensions =
      typeof body["dimensions"] === "number" ? body["dimensions"] : (options.dimensions ?? 8);
    const base64 = body["encoding_format"] === "base64";
    let promptTokens = 0;
    const data = inputs.map((input, index) => {
      promptTokens += typeof input === "string" ? fakeTokenCount(input) : input.length;
      const vector = fakeEmbedding(
        typeof input === "string" ? input : JSON.stringify(input),
        dimensions,
      );
      return {
        object: "embedding" as const,
        index,
        embedding: base64 ? embeddingToBase64(vector) : Array.from(vector),
      };
    });
    const response: EmbeddingResponse = {
      object: "list",
      data,
      model: body["model"],
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
    return json(response, { headers: headersFor(req, promptTokens) });
  };
}

/** The four accepted shapes of `input`, as a list of strings or token arrays. */
function normalizeInput(input: unknown): Array<string | number[]> | undefined {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === "string")) return input as string[];
  if (input.every((item) => typeof item === "number")) return [input as number[]];
  if (input.every((item) => Array.isArray(item))) return input as number[][];
  return undefined;
}
