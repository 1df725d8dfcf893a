/**
 * The Logs page's filters and the query string of GET /spend/logs/ui they become. Only filled
 * filters are sent; dates go as ISO instants; page_size is clamped to the API's 100.
 */

export interface LogFilters {
  page: number;
  page_size: number;
  /** Local date-time strings from the form ("2026-12-06T10:00") or ISO instants. */
  start_date?: string;
  end_date?: string;
  api_key?: string;
  key_alias?: string;
  team_id?: string;
  user_id?: string;
  model?: string;
  status_filter?: "" | "success" | "failure";
  request_id?: string;
}

export const MAX_PAGE_SIZE = 100;

export const defaultLogFilters = (): LogFilters => ({ page: 1, page_size: 50 });

const TEXT_FILTERS = ["api_key", "key_alias", "team_id", "user_id", "model", "request_id"] as const;

/** "page=1&page_size=50&model=gpt-4o&status_filter=failure" (order fixed, empty left out). */
export function logsQueryString(filters: LogFilters): string {
  const params = new URLSearchParams();
  params.set("page", String(clampInt(filters.page, 1, 1_000_000, 1)));
  params.set("page_size", String(clampInt(filters.page_size, 1, MAX_PAGE_SIZE, 50)));
  for (const name of ["start_date", "end_date"] as const) {
    const iso = toIsoInstant(filters[name]);
    if (iso) params.set(name, iso);
  }
  for (const name of TEXT_FILTERS) {
    const value = filters[name]?.trim();
    if (value) params.set(name, value);
  }
  if (filters.status_filter === "success" || filters.status_filter === "failure") {
    params.set("status_filter", filters.status_filter);
  }
  return params.toString();
}

/** Problems with the filters, by field, before anything is sent (empty when fine). */
export function validateLogFilters(filters: LogFilters): Partial<Record<keyof LogFilters, string>> {
  const errors: Partial<Record<keyof LogFilters, string>> = {};
  for (const name of ["start_date", "end_date"] as const) {
    if (filters[name]?.trim() && !toIsoInstant(filters[name])) errors[name] = "Not a date";
  }
  const start = toIsoInstant(filters.start_date);
  const end = toIsoInstant(filters.end_date);
  if (start && end && start > end) errors.end_date = "Ends before it starts";
  for (const name of TEXT_FILTERS) {
    if ((filters[name]?.length ?? 0) > 512) errors[name] = "At most 512 characters";
  }
  return errors;
}

/** An ISO instant from a date, local date-time or ISO string; undefined when empty or invalid. */
export function toIsoInstant(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  // A bare date is that whole day in local time from its start.
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00` : text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function clampInt(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** Pages for a total: at least 1 so "page 1 of 1" reads right on an empty result. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}
