export { vertexAiProvider, vertexEndpoint } from "./vertex-ai-provider.ts";
export { vertexUrl, VERTEX_API_VERSION, VERTEX_DEFAULT_LOCATION } from "./vertex-ai-url.ts";
export { vertexAuthHeaders } from "./vertex-ai-headers.ts";
