import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { fakeEmbedding } from "../openai/fake-embedding.ts";
import { googleError } from "./google-error.ts";
import { isRecord } from "../fake-server/is-record.ts";

/** gemini-embedding-001 answers 3072 values by default; text-embedding-004 answers 768. */
function defaultDimensions(model: string): number {
  return model.startsWith("gemini-embedding") ? 3072 : 768;
}

/**
 * `:embedContent` (`{content, outputDimensionality?, taskType?}` to `{embedding: {values}}`)
 * and `:batchEmbedContents` (`{requests: [...]}` to `{embeddings: [...]}`, in order, each
 * request naming `models/<the URL's model>`). Vectors are deterministic per text
 * (see fakeEmbedding), so tests can compare them.
 */
export function embedResponder(model: string, batch: boolean, dimensions?: number) {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body)) return googleError(400, { message: "Invalid JSON payload received." });
    const requests = batch ? body.requests : [body];
    if (!Array.isArray(requests) || requests.length === 0) {
      return googleError(400, {
        message: "* BatchEmbedContentsRequest.requests: requests is not specified\n",
      });
    }
    const embeddings: { values: number[] }[] = [];
    for (const [i, item] of requests.entries()) {
      if (!isRecord(item))
        return googleError(400, { message: `Invalid value at 'requests[${i}]'` });
      if (batch && item.model !== `models/${model}`) {
        return googleError(400, {
          message: `* BatchEmbedContentsRequest.requests[${i}].model: Model name must be the same as the batch model name (models/${model}).\n`,
        });
      }
      const content = item.content;
      const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
      const text = parts
        .flatMap((part) => (isRecord(part) && typeof part.text === "string" ? [part.text] : []))
        .join(" ");
      if (text === "")
        return googleError(400, {
          message: "* EmbedContentRequest.content: contents must not be empty\n",
        });
      const size =
        typeof item.outputDimensionality === "number"
          ? item.outputDimensionality
          : (dimensions ?? defaultDimensions(model));
      embeddings.push({ values: Array.from(fakeEmbedding(text, size)) });
    }
    return json(batch ? { embeddings } : { embedding: embeddings[0] });
  };
}
