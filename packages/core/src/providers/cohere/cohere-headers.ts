import type { ProviderDeployment } from "../../provider/deployment.ts";

/**
 * Headers for a Cohere call: `Authorization: Bearer <key>` (Cohere's docs spell it `bearer`; the
 * scheme is case-insensitive). No key, no header, as the official SDK does since it omits an
 * empty token. The deployment's `extra_headers` come last and win.
 */
export function buildCohereHeaders(
  deployment: ProviderDeployment,
  accept: "application/json" | "text/event-stream",
): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", accept };
  if (deployment.apiKey) headers.authorization = `Bearer ${deployment.apiKey}`;
  for (const [name, value] of Object.entries(deployment.extraHeaders ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  return headers;
}
