// Fake Azure OpenAI resource, plus builders for scripted answers and Azure's errors.
export { startFakeAzureOpenAI, type FakeAzureOpenAIOptions } from "./fake-azure.ts";
export {
  azureChatResponder,
  type AzureChatCall,
  type AzureChatResponderOptions,
} from "./azure-chat-responder.ts";
export { azureCompletion } from "./azure-completion.ts";
export { azureChunks } from "./azure-chunks.ts";
export {
  contentFilterResults,
  promptFilterResults,
  type ContentFilterCategory,
  type ContentFilterVerdict,
} from "./azure-content-filter.ts";
export {
  azureApiVersionNotSupportedError,
  azureContentFilterError,
  azureDeploymentNotFoundError,
  azureError,
  azureErrorBody,
  azureRateLimitError,
  azureResourceNotFoundError,
  azureUnauthorizedError,
  azureUnrecognizedArgumentError,
  type AzureContentFilterErrorOptions,
  type AzureErrorFields,
  type AzureRateLimitOptions,
} from "./azure-error.ts";
export { azureAuth, type AzureAuthOptions } from "./azure-auth.ts";
export { azureResponseHeaders } from "./azure-headers.ts";
export { azureRequestId } from "./azure-ids.ts";
