import type { GatewayError } from "../../errors/gateway-error.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mapOpenAIError } from "../openai/map-error.ts";
import { AzureErrorBodySchema, ContentFilterCategorySchema } from "./wire-schemas.ts";

/**
 * Azure errors are OpenAI envelopes, so the OpenAI mapping does the work (retry-after-ms and
 * retry-after on 429, 408/5xx retryable, DeploymentNotFound as a 404). A filtered prompt (400,
 * `code: "content_filter"` or an `innererror` naming ResponsibleAIPolicyViolation) becomes a
 * ContentPolicyError whose message also names the categories that were filtered.
 */
export function mapAzureError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return mapOpenAIError(response, deployment, "azure");
  }
  const result = AzureErrorBodySchema.safeParse(parsed);
  if (!result.success) return mapOpenAIError(response, deployment, "azure");
  const { error } = result.data;
  const inner = error.innererror;
  const filtered =
    error.code === "content_filter" || inner?.code === "ResponsibleAIPolicyViolation";
  if (!filtered) return mapOpenAIError(response, deployment, "azure");

  const categories = Object.entries(inner?.content_filter_result ?? {}).flatMap(([name, value]) => {
    const verdict = ContentFilterCategorySchema.safeParse(value);
    if (!verdict.success || verdict.data.filtered !== true) return [];
    return [verdict.data.severity ? `${name}=${verdict.data.severity}` : name];
  });
  const message =
    (error.message ?? "The request was filtered by Azure's content management policy.") +
    (categories.length > 0 ? ` (filtered: ${categories.join(", ")})` : "");
  const body = JSON.stringify({ error: { ...error, message, code: "content_filter" } });
  return mapOpenAIError({ ...response, body }, deployment, "azure");
}
