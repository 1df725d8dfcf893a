import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingAdapter } from "../../provider/adapter.ts";
import { isRecord } from "../../util/is-record.ts";

/**
 * Mistral embeddings (`POST /v1/embeddings`, `mistral-embed`, `codestral-embed`): OpenAI's body
 * except that the size is `output_dimension` (OpenAI: `dimensions`) and input is text only.
 * Mistral forbids unknown fields, so `user` and `input_type` (LiteLLM's, for other providers)
 * are not sent. `encoding_format` (`float` / `base64`) and Mistral's `output_dtype` pass.
 */
export function createMistralEmbeddingsAdapter(base: EmbeddingAdapter): EmbeddingAdapter {
  return {
    async buildRequest(ctx) {
      const input = ctx.request.input;
      if (Array.isArray(input) && input.some((item) => typeof item !== "string")) {
        throw new InvalidRequestError("mistral embeddings take text input, not token arrays", {
          param: "input",
          provider: "mistral",
        });
      }
      const request = await base.buildRequest(ctx);
      const body = JSON.parse(String(request.body)) as Record<string, unknown>;
      const { dimensions, user: _user, input_type: _inputType, ...rest } = body;
      const out = dimensions === undefined ? rest : { ...rest, output_dimension: dimensions };
      return { ...request, body: JSON.stringify(out) };
    },

    parseResponse(response, ctx) {
      // Mistral's SDK marks `object` optional on the list and its items; OpenAI's are fixed.
      let payload: unknown;
      try {
        payload = JSON.parse(response.body);
      } catch {
        return base.parseResponse(response, ctx);
      }
      if (isRecord(payload) && Array.isArray(payload.data)) {
        if (payload.object !== "list" && payload.object !== "error") payload.object = "list";
        for (const item of payload.data) {
          if (isRecord(item) && item.object === undefined) item.object = "embedding";
        }
      }
      return base.parseResponse({ ...response, body: JSON.stringify(payload) }, ctx);
    },

    isPassthrough: () => false,
  };
}
