/**
 * How one request's retries and fallbacks read in the log detail, from what GET
 * /spend/logs/ui/<id> returns (`retries`, `fallbacks`, `failed_attempts`, `original_model_group`).
 * The detail is the API's JSON, so every field is checked before it is shown.
 */

export interface FailedAttempt {
  model_id?: unknown;
  model_group?: unknown;
  error_class?: unknown;
  status_code?: unknown;
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** "0", "2"; "—" when the row does not say (logged before retries were recorded). */
export function formatRetries(retries: unknown): string {
  return typeof retries === "number" && Number.isFinite(retries) ? String(retries) : "—";
}

/**
 * "gpt-4o → claude-sonnet → gemini-pro": the requested group, then each fallback tried, in
 * order; undefined when no fallback was taken (the detail then shows no chain at all).
 */
export function formatFallbackChain(original: unknown, fallbacks: unknown): string | undefined {
  if (!Array.isArray(fallbacks)) return undefined;
  const groups = fallbacks.filter((g): g is string => typeof g === "string" && g !== "");
  if (groups.length === 0) return undefined;
  const first = text(original);
  return [...(first ? [first] : []), ...groups].join(" → ");
}

/** "RateLimitError (429) · gpt-4o · deployment 3f2a…": how one failed try failed, and where. */
export function formatFailedAttempt(attempt: FailedAttempt): string {
  const errorClass = text(attempt.error_class) ?? "Error";
  const status = typeof attempt.status_code === "number" ? ` (${String(attempt.status_code)})` : "";
  const group = text(attempt.model_group);
  const id = text(attempt.model_id);
  return [
    `${errorClass}${status}`,
    ...(group ? [group] : []),
    ...(id ? [`deployment ${id}`] : []),
  ].join(" · ");
}

/** Each failed try as a line, plus "and N more" when the log kept only the first ones. */
export function failedAttemptLines(attempts: unknown, omitted: unknown): string[] {
  if (!Array.isArray(attempts)) return [];
  const lines = attempts
    .filter((a): a is FailedAttempt => typeof a === "object" && a !== null)
    .map(formatFailedAttempt);
  if (typeof omitted === "number" && omitted > 0) lines.push(`and ${String(omitted)} more`);
  return lines;
}
