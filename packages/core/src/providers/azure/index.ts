export { azureProvider } from "./azure-provider.ts";
export { azureAuthHeaders } from "./azure-auth.ts";
export { createAzureChunkFixer } from "./azure-chunk-fixer.ts";
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
