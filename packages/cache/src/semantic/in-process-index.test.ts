import { describe, expect, it } from "vitest";
import { base, describeVectorIndex, vectorAt } from "../__fixtures__/vector-index-contract.ts";
import type { CacheLogger } from "../util/logger.ts";
import { InProcessVectorIndex } from "./in-process-index.ts";
import { dot, normalize } from "./vector-math.ts";

describeVectorIndex("InProcessVectorIndex", () => new InProcessVectorIndex());

function recordingLogger() {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: CacheLogger = {
    warn: (message, fields) => lines.push({ message, fields }),
    error: (message, fields) => lines.push({ message, fields }),
  };
  return { lines, logger };
}

/** A deterministic pseudo-random generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("InProcessVectorIndex", () => {
  const NOW = 1_000_000;

  it("drops expired entries it meets during a lookup", async () => {
    const index = new InProcessVectorIndex();
    await index.add({ partition: "p", key: "a", vector: base(0), expiresAt: NOW + 10 });
    await index.add({ partition: "p", key: "b", vector: base(1), expiresAt: NOW + 10 });
    await index.add({ partition: "p", key: "c", vector: base(2), expiresAt: Infinity });
    expect(index.size()).toBe(3);
    expect(await index.nearest("p", base(2), 0.9, NOW + 10)).toEqual({ key: "c", similarity: 1 });
    expect(index.size()).toBe(1);
    // The survivor moved slots (swap-remove) and is still found, and the dropped keys can return.
    await index.add({ partition: "p", key: "a", vector: base(3), expiresAt: Infinity });
    expect((await index.nearest("p", base(3), 0.9, NOW + 20))?.key).toBe("a");
    expect((await index.nearest("p", base(2), 0.9, NOW + 20))?.key).toBe("c");
  });

  it("evicts the oldest inserted entry, over all partitions, when full", async () => {
    const index = new InProcessVectorIndex({ maxEntries: 3 });
    await index.add({ partition: "p1", key: "first", vector: base(0), expiresAt: Infinity });
    await index.add({ partition: "p2", key: "second", vector: base(1), expiresAt: Infinity });
    await index.add({ partition: "p1", key: "third", vector: base(2), expiresAt: Infinity });
    // Replacing "first" makes it the newest, so "second" is now the oldest.
    await index.add({ partition: "p1", key: "first", vector: base(0), expiresAt: Infinity });
    await index.add({ partition: "p3", key: "fourth", vector: base(3), expiresAt: Infinity });
    expect(index.size()).toBe(3);
    expect(await index.nearest("p2", base(1), 0.5, NOW)).toBeUndefined();
    expect((await index.nearest("p1", base(0), 0.9, NOW))?.key).toBe("first");
    expect((await index.nearest("p1", base(2), 0.9, NOW))?.key).toBe("third");
    expect((await index.nearest("p3", base(3), 0.9, NOW))?.key).toBe("fourth");
  });

  it("evicts the right entry whatever digits and colons its partition and key hold", async () => {
    const index = new InProcessVectorIndex({ maxEntries: 2 });
    // "1:2" + "3:x" and "1:" + "23:x" would read alike without the partition's length first.
    await index.add({ partition: "1:2", key: "3:x", vector: base(0), expiresAt: Infinity });
    await index.add({ partition: "1:", key: "23:x", vector: base(1), expiresAt: Infinity });
    await index.add({ partition: "", key: "12:", vector: base(2), expiresAt: Infinity });
    expect(index.size()).toBe(2);
    expect(await index.nearest("1:2", base(0), 0.5, NOW)).toBeUndefined();
    expect((await index.nearest("1:", base(1), 0.9, NOW))?.key).toBe("23:x");
    expect((await index.nearest("", base(2), 0.9, NOW))?.key).toBe("12:");
    await index.add({ partition: "9", key: "", vector: base(3), expiresAt: Infinity });
    expect(await index.nearest("1:", base(1), 0.5, NOW)).toBeUndefined();
    expect((await index.nearest("9", base(3), 0.9, NOW))?.key).toBe("");
  });

  it("stays bounded when one partition alone fills it", async () => {
    const index = new InProcessVectorIndex({ maxEntries: 5 });
    for (let i = 0; i < 40; i++) {
      await index.add({
        partition: "p",
        key: `k${i}`,
        vector: vectorAt(Math.cos(i / 10)),
        expiresAt: Infinity,
      });
    }
    expect(index.size()).toBe(5);
    expect((await index.nearest("p", vectorAt(Math.cos(39 / 10)), 0.9999, NOW))?.key).toBe("k39");
    expect(await index.nearest("p", vectorAt(Math.cos(0)), 0.9999, NOW)).toBeUndefined();
  });

  it("refuses an entry of other dimensions than its partition's with a log line, and zero vectors", async () => {
    const { lines, logger } = recordingLogger();
    const index = new InProcessVectorIndex({ logger });
    await index.add({ partition: "p", key: "a", vector: base(0, 8), expiresAt: Infinity });
    await index.add({ partition: "p", key: "b", vector: base(0, 4), expiresAt: Infinity });
    expect(index.size()).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/dimensions/);
    expect(lines[0]!.fields).toMatchObject({
      partition: "p",
      dimensions: 4,
      partitionDimensions: 8,
    });
    await index.add({
      partition: "q",
      key: "zero",
      vector: new Float32Array(8),
      expiresAt: Infinity,
    });
    await index.add({
      partition: "q",
      key: "nan",
      vector: new Float32Array([NaN, 1]),
      expiresAt: Infinity,
    });
    expect(index.size()).toBe(1);
    expect(await index.nearest("p", new Float32Array(8), -1, NOW)).toBeUndefined();
  });

  it("takes new dimensions once its partition is empty (another embedding model)", async () => {
    const index = new InProcessVectorIndex();
    await index.add({ partition: "p", key: "a", vector: base(0, 8), expiresAt: Infinity });
    await index.remove("p", "a");
    await index.add({ partition: "p", key: "b", vector: base(0, 4), expiresAt: Infinity });
    expect((await index.nearest("p", base(0, 4), 0.9, NOW))?.key).toBe("b");
  });

  it("compares as cosine a vector that is not unit length", async () => {
    const index = new InProcessVectorIndex();
    const v = Float32Array.from([3, 4, 0, 0]);
    await index.add({ partition: "p", key: "a", vector: v, expiresAt: Infinity });
    const match = await index.nearest("p", Float32Array.from([30, 40, 0, 0]), 1, NOW);
    expect(match).toEqual({ key: "a", similarity: 1 });
    expect(
      (await index.nearest("p", Float32Array.from([4, 3, 0, 0]), 0.5, NOW))?.similarity,
    ).toBeCloseTo(0.96, 5);
  });

  it("agrees with a brute-force model over random adds, replaces, removes and expiries", async () => {
    const next = random(19);
    const dims = 12;
    const index = new InProcessVectorIndex({ maxEntries: 1000 });
    const model = new Map<
      string,
      { partition: string; key: string; vector: Float32Array; expiresAt: number }
    >();
    const randomVector = () => normalize(Float32Array.from({ length: dims }, () => next() - 0.5));
    let now = NOW;
    for (let step = 0; step < 3000; step++) {
      const partition = `p${Math.floor(next() * 3)}`;
      const key = `k${Math.floor(next() * 60)}`;
      const roll = next();
      if (roll < 0.55) {
        const expiresAt = next() < 0.3 ? now + Math.floor(next() * 50) : Infinity;
        const vector = randomVector();
        await index.add({ partition, key, vector, expiresAt });
        model.set(`${partition}/${key}`, { partition, key, vector, expiresAt });
      } else if (roll < 0.7) {
        await index.remove(partition, key);
        model.delete(`${partition}/${key}`);
      } else {
        now += Math.floor(next() * 5);
        const query = randomVector();
        let expected: { key: string; similarity: number } | undefined;
        for (const e of model.values()) {
          if (e.partition !== partition || e.expiresAt <= now) continue;
          const similarity = dot(e.vector, query);
          if (expected === undefined || similarity > expected.similarity)
            expected = { key: e.key, similarity };
        }
        const threshold = next() * 0.6;
        const match = await index.nearest(partition, query, threshold, now);
        if (expected === undefined || expected.similarity < threshold) {
          expect(match, `step ${step}`).toBeUndefined();
        } else {
          expect(match?.key, `step ${step}`).toBe(expected.key);
          expect(match?.similarity).toBeCloseTo(expected.similarity, 5);
        }
      }
    }
    // A lookup in every partition drops what expired: exactly the live model is left.
    for (const p of ["p0", "p1", "p2"]) await index.nearest(p, randomVector(), -1, now);
    for (const [id, e] of model) if (e.expiresAt <= now) model.delete(id);
    expect(index.size()).toBe(model.size);
  });
});
