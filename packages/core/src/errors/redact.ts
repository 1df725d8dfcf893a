/**
 * Removes anything that looks like a credential from text that may reach a client or a log.
 * Providers sometimes echo the key back ("Incorrect API key provided: sk-abc...").
 */
const SECRET_PATTERNS: RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{6,}/g, // OpenAI / Anthropic / virtual keys
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google API keys
  /\b(AKIA|ASIA)[0-9A-Z]{12,}/g, // AWS access key ids
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "[REDACTED]");
  return out;
}
