/** One category's verdict in Azure's content filter results. */
export interface ContentFilterVerdict {
  filtered: boolean;
  severity: "safe" | "low" | "medium" | "high";
}

export type ContentFilterCategory = "hate" | "self_harm" | "sexual" | "violence";

const CATEGORIES: readonly ContentFilterCategory[] = ["hate", "self_harm", "sexual", "violence"];

/**
 * `content_filter_results` as Azure attaches them to a choice (and to each prompt): every
 * category `safe` unless `flagged` says otherwise (a flagged category is `filtered: true`).
 */
export function contentFilterResults(
  flagged: Partial<Record<ContentFilterCategory, ContentFilterVerdict["severity"]>> = {},
): Record<ContentFilterCategory, ContentFilterVerdict> {
  const results = {} as Record<ContentFilterCategory, ContentFilterVerdict>;
  for (const category of CATEGORIES) {
    const severity = flagged[category];
    results[category] =
      severity === undefined ? { filtered: false, severity: "safe" } : { filtered: true, severity };
  }
  return results;
}

/** `prompt_filter_results` for a request with one prompt. */
export function promptFilterResults(
  flagged: Partial<Record<ContentFilterCategory, ContentFilterVerdict["severity"]>> = {},
): Array<{ prompt_index: number; content_filter_results: Record<string, unknown> }> {
  return [{ prompt_index: 0, content_filter_results: contentFilterResults(flagged) }];
}
