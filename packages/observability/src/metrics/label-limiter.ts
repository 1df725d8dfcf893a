/**
 * LiteLLM's exposition writes Python's `None` for a label it has no value for; dashboards
 * filter on it (`team!="None"`), so a missing value is written the same way here.
 */
export const MISSING_LABEL_VALUE = "None";

/** Where values past a label's limit collapse, so one noisy label cannot grow the series set. */
export const OVERFLOW_LABEL_VALUE = "other";

/**
 * Bounds the distinct values each label name may take over the process's life: the first
 * `maxValuesPerLabel` values seen are kept, later new ones become `other`. Prometheus keeps
 * every series forever, so an unbounded label (a caller-chosen end-user id, a typo'd model
 * name) would grow memory and the scrape without limit.
 */
export class LabelLimiter {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly maxValuesPerLabel: number) {}

  value(label: string, raw: string | number | undefined | null): string {
    if (raw === undefined || raw === null || raw === "") return MISSING_LABEL_VALUE;
    const value = typeof raw === "string" ? raw : String(raw);
    let values = this.seen.get(label);
    if (values === undefined) {
      values = new Set();
      this.seen.set(label, values);
    }
    if (values.has(value)) return value;
    if (values.size >= this.maxValuesPerLabel) return OVERFLOW_LABEL_VALUE;
    values.add(value);
    return value;
  }
}
