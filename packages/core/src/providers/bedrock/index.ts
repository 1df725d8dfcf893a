export {
  bedrockProvider,
  createBedrockProvider,
  BEDROCK_UNSUPPORTED_PARAMS,
} from "./bedrock-provider.ts";
export type { BedrockProviderOptions } from "./bedrock-provider.ts";
export { mapBedrockError, mapStreamException } from "./map-error.ts";
export { authorizeBedrockRequest, BEDROCK_SIGNING_SERVICE } from "./bedrock-headers.ts";
export { bedrockUrl, bedrockModelId, resolveRegion, DEFAULT_AWS_REGION } from "./bedrock-url.ts";
