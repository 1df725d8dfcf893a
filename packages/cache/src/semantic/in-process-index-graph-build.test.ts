/**
 * The HNSW graph is filled in the background (graph-builder.ts): a partition that reaches the
 * threshold must not hold the event loop for the whole build, its lookups must stay the exact
 * scan's answers until the graph holds every entry, an entry added later must be found before
 * the graph has it, and an entry that goes while queued must never come back.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { loopWatch } from "../__fixtures__/loop-watch.ts";
import { near, random, randomUnit } from "../__fixtures__/random-vectors.ts";
import { AnnGraph } from "./ann-graph.ts";
import { DEFAULT_ANN_MIN_ENTRIES, InProcessVectorIndex } from "./in-process-index.ts";

const THRESHOLD = DEFAULT_ANN_MIN_ENTRIES;
const NOW = 1_000_000;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function fill(
  indexes: InProcessVectorIndex[],
  dims: number,
  count: number,
  next: () => number,
  expiresAt: (i: number) => number = () => Infinity,
): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const vector = randomUnit(next, dims);
    vectors.push(vector);
    for (const index of indexes)
      index.addSync({ partition: "p", key: `k${i}`, vector, expiresAt: expiresAt(i) });
  }
  return vectors;
}

/**
 * The most CPU time the process spent between two `setImmediate` ticks while `work` ran (its
 * synchronous start included): how long the loop's own work held it. Not the wall time of the
 * gap, which on a loaded machine also counts the time the thread waited for a core (a 125 ms
 * gap with a few ms of work in it failed this test in a full suite run on two busy cores).
 */
async function longestGapDuring(work: () => Promise<void>): Promise<number> {
  const watch = loopWatch();
  await work();
  // The beat already queued runs before this tick: it measures the last slice too.
  await tick();
  watch.stop();
  return watch.lapGap().mostCpuMs;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("InProcessVectorIndex's graph build", { timeout: 60_000 }, () => {
  it("builds a partition at the threshold without holding the event loop for the whole build", async () => {
    // 512 dimensions: one batch of 4,096 adds (what the build used to be) held the loop for
    // ~0.4 s here (~0.2 s at 256), well over the bound below; a slice holds it for ~4 ms.
    const index = new InProcessVectorIndex();
    const next = random(11);
    const vectors = fill([index], 512, THRESHOLD - 1, next);
    expect(index.graphBacklog("p")).toBe(0);
    const last = randomUnit(next, 512);
    let builtAtOnce = true;
    const gap = await longestGapDuring(async () => {
      index.addSync({ partition: "p", key: "last", vector: last, expiresAt: Infinity });
      builtAtOnce = index.searchedByGraph("p");
      await index.graphsCaughtUp();
    });
    expect(builtAtOnce).toBe(false);
    expect(index.searchedByGraph("p")).toBe(true);
    expect(index.graphBacklog("p")).toBe(0);
    expect(gap).toBeLessThan(100);
    // The graph answers for what it holds.
    expect(await index.nearest("p", vectors[17]!, 0.99, NOW)).toEqual({
      key: "k17",
      similarity: 1,
    });
    expect((await index.nearest("p", last, 0.99, NOW))?.key).toBe("last");
    await index.close();
  });

  it("answers what the exact scan answers while the graph is being built", async () => {
    const graph = new InProcessVectorIndex();
    const exact = new InProcessVectorIndex({ annMinEntries: Infinity });
    const next = random(5);
    const vectors = fill([graph, exact], 64, THRESHOLD + 500, next);
    let duringBuild = 0;
    for (let i = 0; !graph.searchedByGraph("p"); i++) {
      const query = near(vectors[(i * 37) % vectors.length]!, next, 0.02);
      expect(await graph.nearest("p", query, 0.9, NOW)).toEqual(
        await exact.nearest("p", query, 0.9, NOW),
      );
      duringBuild += 1;
      await tick();
    }
    // The build took several slices, and each was checked against the exact scan.
    expect(duringBuild).toBeGreaterThan(3);
    await graph.close();
    await exact.close();
  });

  it("finds an entry added after the build before the graph holds it", async () => {
    const index = new InProcessVectorIndex();
    const next = random(3);
    fill([index], 64, THRESHOLD, next);
    await index.graphsCaughtUp();
    expect(index.searchedByGraph("p")).toBe(true);
    // Adds after the build are queued for the drain, not inserted on the caller's time.
    const added: Float32Array[] = [];
    for (let i = 0; i < 300; i++) {
      const vector = randomUnit(next, 64);
      added.push(vector);
      index.addSync({ partition: "p", key: `new${i}`, vector, expiresAt: Infinity });
    }
    expect(index.graphBacklog("p")).toBe(300);
    expect(await index.nearest("p", added[299]!, 0.99, NOW)).toEqual({
      key: "new299",
      similarity: 1,
    });
    // A rephrasing of a queued prompt finds it too (exactly scored: the same similarity).
    const query = near(added[150]!, next, 0.02);
    const match = await index.nearest("p", query, 0.9, NOW);
    expect(match?.key).toBe("new150");
    expect(index.graphBacklog("p")).toBeGreaterThan(0);
    await index.graphsCaughtUp();
    expect(index.graphBacklog("p")).toBe(0);
    expect(await index.nearest("p", query, 0.9, NOW)).toEqual(match);
    await index.close();
  });

  it("never answers with an entry removed, replaced or expired while it was queued or being added", async () => {
    const index = new InProcessVectorIndex();
    const next = random(9);
    // Every tenth entry expires at NOW + 10.
    const vectors = fill([index], 64, THRESHOLD + 200, next, (i) =>
      i % 10 === 0 ? NOW + 10 : Infinity,
    );
    const removed = new Map<string, Float32Array>();
    const oldVectors: Float32Array[] = [];
    const replaced = new Map<string, Float32Array>();
    const change = (from: number) => {
      for (let i = from; i < from + 50; i++) {
        if (i % 10 === 0) continue;
        index.removeSync("p", `k${i}`);
        removed.set(`k${i}`, vectors[i]!);
        const vector = randomUnit(next, 64);
        index.addSync({ partition: "p", key: `k${i + 50}`, vector, expiresAt: Infinity });
        oldVectors.push(vectors[i + 50]!);
        replaced.set(`k${i + 50}`, vector);
      }
    };
    // Before the first slice: every entry is still queued.
    change(100);
    // Part-way: some entries are in the graph, some still queued.
    while (index.graphBacklog("p") > THRESHOLD / 2) await tick();
    expect(index.searchedByGraph("p")).toBe(false);
    change(1_000);
    change(THRESHOLD - 100);
    // A lookup at NOW + 10 drops the expired entries mid-build.
    await index.nearest("p", vectors[1]!, 0.99, NOW + 10);
    await index.graphsCaughtUp();
    expect(index.searchedByGraph("p")).toBe(true);
    for (const [key, vector] of removed) {
      // At any threshold: the graph proposes nothing that is gone.
      expect((await index.nearest("p", vector, -1, NOW + 10))?.key).not.toBe(key);
    }
    for (const vector of oldVectors) {
      expect(await index.nearest("p", vector, 0.99, NOW + 10)).toBeUndefined();
    }
    for (const [key, vector] of replaced) {
      expect(await index.nearest("p", vector, 0.99, NOW + 10)).toEqual({ key, similarity: 1 });
    }
    for (let i = 0; i < vectors.length; i += 10) {
      expect((await index.nearest("p", vectors[i]!, -1, NOW + 10))?.key).not.toBe(`k${i}`);
    }
    await index.close();
  });

  it("counts an entry removed while queued out of the backlog at once; the build still completes", async () => {
    const index = new InProcessVectorIndex();
    const next = random(11);
    fill([index], 64, THRESHOLD, next);
    expect(index.graphBacklog("p")).toBe(THRESHOLD);
    for (let i = 0; i < 100; i++) index.removeSync("p", `k${i}`);
    expect(index.graphBacklog("p")).toBe(THRESHOLD - 100);
    await index.graphsCaughtUp();
    expect(index.graphBacklog("p")).toBe(0);
    expect(index.searchedByGraph("p")).toBe(true);
    // Added and removed again before the drain reached them: nothing is left to wait for.
    for (let i = 0; i < 5; i++)
      index.addSync({
        partition: "p",
        key: `late${i}`,
        vector: randomUnit(next, 64),
        expiresAt: Infinity,
      });
    expect(index.graphBacklog("p")).toBe(5);
    for (let i = 0; i < 5; i++) index.removeSync("p", `late${i}`);
    expect(index.graphBacklog("p")).toBe(0);
    let caughtUp = false;
    void index.graphsCaughtUp().then(() => (caughtUp = true));
    await tick();
    expect(caughtUp).toBe(true);
    await index.close();
  });

  it("stops building a partition that drops below half the threshold or goes", async () => {
    const adds = vi.spyOn(AnnGraph.prototype, "addMany");
    const index = new InProcessVectorIndex();
    const next = random(13);
    fill([index], 64, THRESHOLD, next);
    await tick();
    for (let i = 0; i < THRESHOLD / 2 + 1; i++) index.removeSync("p", `k${i}`);
    expect(index.graphBacklog("p")).toBe(0);
    const calls = adds.mock.calls.length;
    for (let i = 0; i < 20; i++) await tick();
    expect(adds.mock.calls.length).toBe(calls);
    expect(index.searchedByGraph("p")).toBe(false);
    // Grown again: a new build; emptied mid-build: it stops.
    fill([index], 64, THRESHOLD, next);
    await tick();
    expect(adds.mock.calls.length).toBeGreaterThan(calls);
    for (let i = 0; i < THRESHOLD * 2; i++) index.removeSync("p", `k${i}`);
    expect(index.size()).toBe(0);
    const afterEmpty = adds.mock.calls.length;
    for (let i = 0; i < 20; i++) await tick();
    expect(adds.mock.calls.length).toBe(afterEmpty);
    await index.close();
  });

  it("stays on the exact scan, logged, when usearch fails during the build, and does not retry on every add", async () => {
    const adds = vi.spyOn(AnnGraph.prototype, "addMany").mockImplementation(() => {
      throw new Error("Failed to reserve memory");
    });
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message), error: () => {} };
    const index = new InProcessVectorIndex({ logger });
    const next = random(29);
    const vectors = fill([index], 64, THRESHOLD, next);
    await index.graphsCaughtUp();
    expect(adds).toHaveBeenCalledTimes(1);
    expect(warnings.some((message) => message.includes("building an HNSW graph failed"))).toBe(
      true,
    );
    // Adds past the threshold start no new build.
    for (let i = 0; i < 100; i++) {
      const vector = randomUnit(next, 64);
      index.addSync({ partition: "p", key: `more${i}`, vector, expiresAt: Infinity });
    }
    for (let i = 0; i < 5; i++) await tick();
    expect(adds).toHaveBeenCalledTimes(1);
    expect(index.searchedByGraph("p")).toBe(false);
    expect(await index.nearest("p", vectors[700]!, 0.99, NOW)).toEqual({
      key: "k700",
      similarity: 1,
    });
    await index.close();
  });

  it("close() stops a build in progress", async () => {
    const adds = vi.spyOn(AnnGraph.prototype, "addMany");
    const index = new InProcessVectorIndex();
    fill([index], 64, THRESHOLD, random(17));
    await tick();
    await tick();
    expect(adds).toHaveBeenCalled();
    expect(index.graphBacklog("p")).toBeGreaterThan(0);
    await index.close();
    const calls = adds.mock.calls.length;
    for (let i = 0; i < 20; i++) await tick();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(adds.mock.calls.length).toBe(calls);
    await index.graphsCaughtUp();
  });
});
