/** Bedrock cross-region inference profiles put a geography before the model id. */
const BEDROCK_REGION_PREFIX = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\./;
/** LiteLLM's `bedrock/converse/<id>` and `bedrock/invoke/<id>` pick the API, not the model. */
const BEDROCK_ROUTE_PREFIX = /^(?:converse|invoke)\//;

/**
 * Suffixes that name a snapshot of a model the catalog lists undated, tried in turn:
 * `-2024-08-06` (OpenAI), `-20250929` (Anthropic), `@20250929` / `@default` (Vertex AI),
 * `-001` (Gemini versions), `-0613` (older OpenAI snapshots).
 */
const SNAPSHOT_SUFFIXES: readonly RegExp[] = [
  /-\d{4}-\d{2}-\d{2}$/,
  /-\d{8}$/,
  /@[\w.-]+$/,
  /-\d{3}$/,
  /-\d{4}$/,
];

/**
 * The ids to try in the provider's table for a model, most specific first: the id as given
 * (lower-cased, without the provider's own `provider/` prefix), then without a Bedrock region
 * prefix (regional profiles the catalog does not list are priced as the base model), then
 * without a snapshot suffix.
 */
export function modelIdCandidates(provider: string, model: string): string[] {
  const p = provider.toLowerCase();
  let id = model.trim().toLowerCase();
  if (id.startsWith(`${p}/`)) id = id.slice(p.length + 1);
  if (p === "bedrock") id = id.replace(BEDROCK_ROUTE_PREFIX, "");
  // Azure's own spelling of the GPT-3.5 deployments.
  if (p === "azure") id = id.replace(/^gpt-35-/, "gpt-3.5-");

  const ids = [id];
  if (p === "bedrock" && BEDROCK_REGION_PREFIX.test(id))
    ids.push(id.replace(BEDROCK_REGION_PREFIX, ""));
  for (const candidate of [...ids]) {
    for (const suffix of SNAPSHOT_SUFFIXES) {
      const undated = candidate.replace(suffix, "");
      if (undated !== candidate && undated !== "" && !ids.includes(undated)) ids.push(undated);
    }
  }
  return ids;
}
