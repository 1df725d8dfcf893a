/**
 * The key may come as `Authorization: Bearer`, `x-api-key` (Anthropic SDK) or `api-key`
 * (Azure OpenAI SDK), as LiteLLM accepts.
 */
export function extractApiKey(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^\s*Bearer\s+(.+?)\s*$/i.exec(authorization);
    return match ? match[1] : authorization.trim();
  }
  return headers.get("x-api-key")?.trim() || headers.get("api-key")?.trim() || undefined;
}
