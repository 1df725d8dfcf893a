import fc from "fast-check";
import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { SeriesHistogram } from "./series-histogram.ts";

const BUCKETS = [0.005, 0.05, 0.5, 1, 5];
const LABELS = ["model", "team"];

/** Exposition lines as `name{sorted labels} value`, sorted: label order is not meaning. */
function lines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((line) => {
      const match = /^([^{ ]+)(?:\{(.*)\})? (.+)$/.exec(line)!;
      const labels = (match[2] ?? "").split(",").filter(Boolean).sort().join(",");
      return `${match[1]}{${labels}} ${match[3]}`;
    })
    .sort();
}

describe("SeriesHistogram", () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            series: fc.integer({ min: 0, max: 3 }),
            value: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(0.5, 5)),
          }),
          { maxLength: 60 },
        ),
        async (events) => {
          const theirs = new Registry();
          const ours = new Registry();
          const reference = new Histogram({
            name: "latency",
            help: "h",
            labelNames: LABELS,
            buckets: BUCKETS,
            registers: [theirs],
          });
          const fast = new SeriesHistogram({
            name: "latency",
            help: "h",
            labelNames: LABELS,
            buckets: BUCKETS,
            registers: [ours],
          });
          // Series 2 and 3 are equal label values in distinct objects: one line, as prom-client.
          const labelSets = [
            { model: "a", team: "t1" },
            { model: "b", team: "t1" },
            { model: "c", team: "t2" },
            { team: "t2", model: "c" },
          ];
          for (const { series, value } of events) {
            reference.observe(labelSets[series]!, value);
            fast.observe(labelSets[series]!, value);
          }
          expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("ignores a value that is not a finite number instead of corrupting the sum", async () => {
    const registry = new Registry();
    const h = new SeriesHistogram({
      name: "latency",
      help: "h",
      labelNames: LABELS,
      buckets: BUCKETS,
      registers: [registry],
    });
    const labels = { model: "a", team: "t" };
    h.observe(labels, Number.NaN);
    h.observe(labels, Number.POSITIVE_INFINITY);
    h.observe(labels, 0.2);
    const text = await registry.metrics();
    expect(text).toContain('latency_count{model="a",team="t"} 1');
    expect(text).toContain('latency_sum{model="a",team="t"} 0.2');
    h.reset();
    expect(await registry.metrics()).not.toContain("latency_count");
  });
});
