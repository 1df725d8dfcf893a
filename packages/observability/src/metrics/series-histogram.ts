import type { Registry } from "prom-client";

type LabelValues = Readonly<Record<string, string>>;

interface Cell {
  readonly labels: LabelValues;
  /** Per bucket (not cumulative), in `upperBounds` order. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export interface SeriesHistogramOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Upper bounds, ascending; +Inf is implied. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

/**
 * A Prometheus histogram for the per-request metrics, exposed through prom-client's registry
 * (prom-client still formats, merges and serves it), but observed without prom-client's
 * per-call work: its `observe(labels, v)` validates every label and hashes the whole label set
 * on each call (a dozen labels here, twice per request). The callers pass the same label
 * object for every event of a series (`SeriesTable`), so a cell is found by that object's
 * identity; label objects with equal values share one cell, as prom-client's hash would.
 */
export class SeriesHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly #labelNames: readonly string[];
  readonly #upper: readonly number[];
  /** By label values (the one line per label set the exposition may have). */
  readonly #cells = new Map<string, Cell>();
  /** By label object: the hot path's one lookup. */
  #byObject = new WeakMap<object, Cell>();

  constructor(options: SeriesHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = [...options.labelNames].sort();
    this.#upper = [...options.buckets].sort((a, b) => a - b);
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  observe(labels: LabelValues, value: number): void {
    if (!Number.isFinite(value)) return;
    let cell = this.#byObject.get(labels);
    if (cell === undefined) {
      cell = this.#cellFor(labels);
      this.#byObject.set(labels, cell);
    }
    cell.sum += value;
    cell.count += 1;
    const upper = this.#upper;
    for (let i = 0; i < upper.length; i++) {
      if (value <= upper[i]!) {
        cell.counts[i]! += 1;
        return;
      }
    }
  }

  /** prom-client's metric interface: what the registry formats (cumulative buckets, sum, count). */
  async get() {
    const values: {
      labels: Record<string, string | number>;
      sharedLabels: LabelValues;
      value: number;
      metricName: string;
    }[] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.#cells.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.#upper.length; i++) {
        cumulative += cell.counts[i]!;
        values.push({
          labels: { le: this.#upper[i]! },
          sharedLabels: cell.labels,
          value: cumulative,
          metricName: bucket,
        });
      }
      values.push(
        {
          labels: { le: "+Inf" },
          sharedLabels: cell.labels,
          value: cell.count,
          metricName: bucket,
        },
        { labels: {}, sharedLabels: cell.labels, value: cell.sum, metricName: `${this.name}_sum` },
        {
          labels: {},
          sharedLabels: cell.labels,
          value: cell.count,
          metricName: `${this.name}_count`,
        },
      );
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  reset(): void {
    this.#cells.clear();
    this.#byObject = new WeakMap();
  }

  #cellFor(labels: LabelValues): Cell {
    // Only the histogram's own label names, in a fixed order: the identity of its line.
    const own: Record<string, string> = {};
    let key = "";
    for (const name of this.#labelNames) {
      const value = labels[name];
      if (value === undefined) continue;
      own[name] = value;
      key += `${name}\u0001${value}\u0002`;
    }
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      cell = { labels: own, counts: new Float64Array(this.#upper.length), sum: 0, count: 0 };
      this.#cells.set(key, cell);
    }
    return cell;
  }
}
