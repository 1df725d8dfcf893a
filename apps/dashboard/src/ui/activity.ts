import { useQuery } from "@tanstack/react-query";
import type { DailyActivity } from "../lib/activity.ts";
import { api, query } from "./api.ts";

/** GET /user/daily/activity for a date range (the session's own view when restricted). */
export function useDailyActivity(
  range: { start: string; end: string },
  filters: Record<string, string> = {},
) {
  return useQuery({
    queryKey: ["activity", range.start, range.end, filters],
    queryFn: () =>
      api<DailyActivity>(
        `/user/daily/activity${query({
          start_date: range.start,
          end_date: range.end,
          // The charts need each day's totals and the range's breakdown, not every key per day:
          // with 1,000 keys over 30 days that was an 11 MB answer.
          daily_breakdown: "none",
          ...filters,
        })}`,
      ),
    // A month of activity is the heaviest query the dashboard makes (grouped over every spend
    // row in the range): once a minute is fresh enough for charts of days.
    refetchInterval: 60_000,
    placeholderData: (previous) => previous,
  });
}
