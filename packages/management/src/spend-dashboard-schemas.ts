import { z } from "zod";
import { boundedText, dateText } from "./field-bounds.ts";

/**
 * Queries of the dashboard's spend routes (LiteLLM's names): GET /spend/logs/ui and
 * GET /user/daily/activity. Every filter is optional; an empty value means "not set", as the
 * UI sends `team_id=` for "any team".
 */
const filter = () => z.preprocess((v) => (v === "" ? undefined : v), boundedText().optional());
const optionalDate = () => z.preprocess((v) => (v === "" ? undefined : v), dateText().optional());

export const SpendLogsUiQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  // The UI pages; a larger page is what /spend/logs is for.
  page_size: z.coerce.number().int().min(1).max(100).default(50),
  start_date: optionalDate(),
  end_date: optionalDate(),
  api_key: filter(),
  team_id: filter(),
  user_id: filter(),
  model: filter(),
  status_filter: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["success", "failure"]).optional(),
  ),
  request_id: filter(),
  key_alias: filter(),
});

export const DailyActivityQuery = z.object({
  start_date: optionalDate(),
  end_date: optionalDate(),
  api_key: filter(),
  team_id: filter(),
  model: filter(),
  /**
   * Ours: which breakdowns each day carries (comma separated; default all, LiteLLM's shape). The
   * range-wide `breakdown` always has all four, so a client charting days can leave out the
   * per-day `api_keys` (one entry per key per day: the bulk of a large answer).
   */
  daily_breakdown: z.preprocess(
    (v) =>
      v === undefined || v === ""
        ? undefined
        : typeof v === "string"
          ? v
              .split(",")
              .map((part) => part.trim())
              .filter((part) => part !== "")
          : v,
    z
      .array(z.enum(["models", "api_keys", "teams", "providers", "none"]))
      .max(5)
      .default(["models", "api_keys", "teams", "providers"]),
  ),
});

/** GET /spend/logs/ui/:request_id. */
export const RequestIdParam = z.object({ request_id: boundedText().min(1, "must not be empty") });
