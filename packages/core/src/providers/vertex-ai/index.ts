export { vertexAiProvider, vertexEndpoint } from "./vertex-ai-provider.ts";
export { vertexUrl, VERTEX_API_VERSION, VERTEX_DEFAULT_LOCATION } from "./vertex-url.ts";
export { vertexAuthHeaders } from "./vertex-auth.ts";
