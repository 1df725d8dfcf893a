/** Response headers saying which deployment answered, named as LiteLLM names them. */
export function modelHeaders(result: {
  deployment: { id: string; modelGroup: string; provider: string };
  attempts: readonly unknown[];
  fallbacksTaken: readonly string[];
}): Record<string, string> {
  return {
    "x-litellm-model-id": result.deployment.id,
    "x-litellm-model-group": result.deployment.modelGroup,
    "x-litellm-model-api-base-provider": result.deployment.provider,
    "x-litellm-attempted-retries": String(Math.max(0, result.attempts.length - 1)),
    "x-litellm-attempted-fallbacks": String(result.fallbacksTaken.length),
  };
}
