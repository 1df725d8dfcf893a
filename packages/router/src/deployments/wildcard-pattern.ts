/**
 * A wildcard `model_name` ("openai/*", "*", "claude-*-latest") compiled once. LiteLLM's
 * `re.match` anchors only the start; we anchor both ends so a pattern with a literal tail
 * ("*-latest") does not also match names that merely contain it.
 */
export interface WildcardPattern {
  readonly source: string;
  readonly regex: RegExp;
  /** LiteLLM sorts patterns by length, then by wildcard count, most specific first. */
  readonly specificity: readonly [number, number];
}

export function compileWildcard(pattern: string): WildcardPattern {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "(.*)");
  return {
    source: pattern,
    regex: new RegExp(`^${escaped}$`),
    specificity: [pattern.length, pattern.split("*").length - 1],
  };
}

export function compareSpecificity(a: WildcardPattern, b: WildcardPattern): number {
  return b.specificity[0] - a.specificity[0] || b.specificity[1] - a.specificity[1];
}

/**
 * The litellm_params.model a wildcard deployment uses for a requested model: each `*` in the
 * configured model takes the next captured segment ("openai/*" + "gpt-4o" -> "openai/gpt-4o").
 * A configured model without `*` is used as is; more segments than wildcards, or a bare "*",
 * passes the requested model through (LiteLLM's behaviour).
 */
export function substituteWildcards(configuredModel: string, match: RegExpExecArray): string {
  if (!configuredModel.includes("*")) return configuredModel;
  const segments = match.slice(1);
  const wildcards = configuredModel.split("*").length - 1;
  if (segments.length > wildcards) return match[0];
  let out = configuredModel;
  for (const segment of segments) out = out.replace("*", segment ?? "");
  return out;
}
