export {
  cohereProvider,
  cohereChatAdapter,
  cohereEmbeddingAdapter,
  COHERE_UNSUPPORTED_PARAMS,
} from "./cohere-provider.ts";
export { cohereUrl, cohereModelName, COHERE_DEFAULT_API_BASE } from "./cohere-url.ts";
export { buildCohereHeaders } from "./cohere-headers.ts";
export { convertRequest as convertCohereRequest } from "./convert-request.ts";
export { convertMessages as convertCohereMessages } from "./convert-messages.ts";
export { convertTools as convertCohereTools } from "./convert-tools.ts";
export { parseCohereResponse } from "./parse-response.ts";
export { createCohereStreamTransformer } from "./stream-transformer.ts";
export { mapCohereError, readCohereError } from "./map-error.ts";
export { mapFinishReason as mapCohereFinishReason } from "./map-finish-reason.ts";
export { convertUsage as convertCohereUsage } from "./convert-usage.ts";
export {
  convertEmbeddingRequest as convertCohereEmbeddingRequest,
  DEFAULT_INPUT_TYPE as COHERE_DEFAULT_EMBEDDING_INPUT_TYPE,
} from "./convert-embedding-request.ts";
export { parseEmbeddingResponse as parseCohereEmbeddingResponse } from "./parse-embedding-response.ts";
export type * from "./wire-schemas.ts";
