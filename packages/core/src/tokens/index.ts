export { countTextTokens } from "./count-text-tokens.ts";
export {
  countChatTokens,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_TOOL_CALL,
} from "./count-chat-tokens.ts";
export { countEmbeddingTokens } from "./count-embedding-tokens.ts";
export { countToolTokens } from "./count-tool-tokens.ts";
export { maxOutputTokensFor } from "./max-output-tokens-for.ts";
export {
  tokenizerProfile,
  type TokenizerProfile,
  type TokenizerTarget,
} from "./tokenizer-profile.ts";
export {
  tiktokenEncoding,
  preloadTokenizers,
  type TiktokenEncodingName,
} from "./tiktoken-encodings.ts";
export type { BpeTokenizer } from "./bpe-tokenizer.ts";
export {
  imageTokens,
  DEFAULT_IMAGE_RULE,
  type ImageTokenRule,
  type ImageDetail,
} from "./image-tokens.ts";
export { imageSizeOf, type ImageSize } from "./image-dimensions.ts";
