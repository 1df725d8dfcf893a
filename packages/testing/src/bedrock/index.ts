export { startFakeBedrock, requestedModelId } from "./fake-bedrock.ts";
export type { FakeBedrockOptions } from "./fake-bedrock.ts";
export {
  checkBedrockAuth,
  verifyBedrockSignature,
  FAKE_AWS_ACCESS_KEY_ID,
  FAKE_AWS_SECRET_ACCESS_KEY,
  FAKE_AWS_REGION,
} from "./bedrock-auth.ts";
export type { BedrockAuthOptions } from "./bedrock-auth.ts";
export {
  bedrockError,
  bedrockThrottlingError,
  bedrockContextWindowError,
  bedrockValidationError,
  bedrockAccessDeniedError,
  bedrockModelNotReadyError,
  bedrockServiceUnavailableError,
  bedrockInternalServerError,
  bedrockNotFoundError,
} from "./bedrock-error.ts";
export { converseReply, converseStreamReply, EVENT_STREAM_CONTENT_TYPE } from "./converse-reply.ts";
export { converseResponseBody, converseStreamFrames } from "./converse-answer.ts";
export type {
  FakeConverseAnswer,
  FakeConverseBlock,
  FakeConverseUsage,
  FakeStreamOptions,
} from "./converse-answer.ts";
export { defaultConverseAnswer } from "./default-converse-answer.ts";
export {
  encodeEventStreamMessage,
  encodeBedrockEvent,
  encodeBedrockException,
} from "./event-stream-encoder.ts";
