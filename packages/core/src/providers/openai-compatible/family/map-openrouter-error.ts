import { ContentPolicyError, type GatewayError } from "../../../errors/gateway-error.ts";
import { parseRetryAfterMs } from "../../../errors/parse-retry-after.ts";
import { redactSecrets } from "../../../errors/redact.ts";
import type { UpstreamResponse } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { isRecord } from "../../../util/is-record.ts";
import { mapOpenAIError } from "../../openai/map-error.ts";

/**
 * OpenRouter errors are `{"error":{"code":<status number>,"message","metadata"}}`. The useful
 * part is often in `metadata`: the upstream provider's own message (`raw`, `provider_name`) for
 * 4xx/5xx it relays, and the moderation verdict (`reasons`, `flagged_input`) for a 403. Both are
 * folded into the message; a moderation 403 is a content-policy error.
 */
export function mapOpenRouterError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const error = readError(response.body);
  const metadata = isRecord(error?.metadata) ? error.metadata : undefined;
  if (error === undefined || metadata === undefined) {
    return mapOpenAIError(response, deployment, "openrouter");
  }
  const secrets = deployment.apiKey ? [deployment.apiKey] : [];
  const reasons = Array.isArray(metadata.reasons) ? metadata.reasons.map(String) : [];
  if (response.status === 403 && reasons.length > 0) {
    const retryAfterMs = parseRetryAfterMs(response.headers);
    return new ContentPolicyError(
      redactSecrets(`${String(error.message)} (flagged: ${reasons.join(", ")})`, secrets),
      {
        provider: "openrouter",
        upstreamStatus: 403,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }
  const raw = typeof metadata.raw === "string" ? metadata.raw : undefined;
  const name = typeof metadata.provider_name === "string" ? metadata.provider_name : undefined;
  if (raw === undefined) return mapOpenAIError(response, deployment, "openrouter");
  const message = `${String(error.message)} (${name ?? "upstream"}: ${raw.slice(0, 500)})`;
  const body = JSON.stringify({ error: { ...error, message } });
  return mapOpenAIError({ ...response, body }, deployment, "openrouter");
}

function readError(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}
