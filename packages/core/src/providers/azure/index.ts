export { azureProvider } from "./azure-provider.ts";
export { azureAuthHeaders } from "./azure-headers.ts";
export { createAzureChunkFixer } from "./stream-chunk-fixer.ts";
export {
  AZURE_DEFAULT_API_VERSION,
  azureAcceptsStreamOptions,
  azureUrl,
  resolveAzureEndpoint,
  type AzureEndpoint,
} from "./azure-url.ts";
export { mapAzureError } from "./map-error.ts";
export {
  AzureErrorBodySchema,
  ContentFilterCategorySchema,
  type AzureErrorBody,
} from "./wire-schemas.ts";
