import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { VectorEntry, VectorIndex } from "../semantic/vector-index.ts";
import { normalize } from "../semantic/vector-math.ts";

/** The dimensions of the contract's vectors (an index that fixes them up front can use it). */
export const CONTRACT_DIMENSIONS = 16;

/**
 * A unit vector whose cosine with `base(axis)` is exactly `cos`, built in the plane of two axes,
 * so a test states similarities instead of hoping random vectors land where it wants.
 */
export function vectorAt(
  cos: number,
  axis = 0,
  towards = 1,
  dims = CONTRACT_DIMENSIONS,
): Float32Array {
  const v = new Float32Array(dims);
  v[axis] = cos;
  v[towards] = Math.sqrt(Math.max(0, 1 - cos * cos));
  return normalize(v);
}

export const base = (axis = 0, dims = CONTRACT_DIMENSIONS) =>
  vectorAt(1, axis, (axis + 1) % dims, dims);

/**
 * The behaviour every `VectorIndex` (in-process, Redis-synced, Qdrant) must have. `makeIndex` is
 * called once per test and the index closed after it; each test uses partitions of its own, so an
 * index over a shared backend (one Qdrant collection) passes too. Expiry is judged against the
 * `now` given to `nearest`, with times near the real clock.
 */
export function describeVectorIndex(
  name: string,
  makeIndex: (context: { dimensions: number }) => VectorIndex | Promise<VectorIndex>,
): void {
  describe(`VectorIndex contract: ${name}`, () => {
    const opened: VectorIndex[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((index) => index.close()));
    });
    const open = async () => {
      const index = await makeIndex({ dimensions: CONTRACT_DIMENSIONS });
      opened.push(index);
      return index;
    };
    const partition = (label: string) => `${label}:${randomUUID()}`;
    const now = Date.now();
    const entry = (
      p: string,
      key: string,
      vector: Float32Array,
      expiresAt = Infinity,
    ): VectorEntry => ({
      partition: p,
      key,
      vector,
      expiresAt,
    });

    it("returns the most similar entry at or above the threshold, not merely the first or the last", async () => {
      const index = await open();
      const p = partition("best");
      await index.add(entry(p, "good", vectorAt(0.97)));
      await index.add(entry(p, "best", vectorAt(0.99)));
      await index.add(entry(p, "far", base(5)));
      await index.add(entry(p, "good-too", vectorAt(0.96, 0, 2)));
      const match = await index.nearest(p, base(0), 0.95, now);
      expect(match?.key).toBe("best");
      expect(match?.similarity).toBeCloseTo(0.99, 4);
      // The orthogonal entry is the best for its own axis, and only it.
      expect((await index.nearest(p, base(5), 0.95, now))?.key).toBe("far");
    });

    it("returns nothing when the best entry is below the threshold, or the partition is empty", async () => {
      const index = await open();
      const p = partition("below");
      await index.add(entry(p, "close-but-not-enough", vectorAt(0.94)));
      await index.add(entry(p, "opposite", vectorAt(-1)));
      expect(await index.nearest(p, base(0), 0.95, now)).toBeUndefined();
      expect((await index.nearest(p, base(0), 0.9, now))?.key).toBe("close-but-not-enough");
      expect(await index.nearest(partition("empty"), base(0), 0.5, now)).toBeUndefined();
    });

    it("matches at threshold 1.0 only an identical vector", async () => {
      const index = await open();
      const p = partition("exact");
      const prompt = normalize(
        Float32Array.from({ length: CONTRACT_DIMENSIONS }, (_, i) => Math.sin(i + 1)),
      );
      const nearlyPrompt = Float32Array.from(prompt);
      nearlyPrompt[3] = nearlyPrompt[3]! + 0.005; // cosine about 0.99999 with prompt
      await index.add(entry(p, "nearly", normalize(nearlyPrompt)));
      expect(await index.nearest(p, prompt, 1, now)).toBeUndefined();
      expect((await index.nearest(p, prompt, 0.999, now))?.key).toBe("nearly");

      await index.add(entry(p, "identical", Float32Array.from(prompt)));
      const match = await index.nearest(p, prompt, 1, now);
      expect(match?.key).toBe("identical");
      expect(match?.similarity).toBeCloseTo(1, 6);
    });

    it("never answers from another partition, even for an identical vector", async () => {
      const index = await open();
      const team = partition("team-a");
      await index.add(entry(team, "team-a-answer", base(0)));
      // Partitions that look alike (a prefix, a suffix) are still different partitions.
      for (const other of [partition("team-b"), `${team}x`, team.slice(0, -1), `${team} `]) {
        expect(await index.nearest(other, base(0), 0.5, now)).toBeUndefined();
      }
      const teamB = partition("team-b");
      await index.add(entry(teamB, "team-b-answer", vectorAt(0.96)));
      expect((await index.nearest(teamB, base(0), 0.95, now))?.key).toBe("team-b-answer");
      expect((await index.nearest(team, base(0), 0.95, now))?.key).toBe("team-a-answer");
    });

    it("never matches an expired entry, and a live worse one still does", async () => {
      const index = await open();
      const p = partition("expiry");
      await index.add(entry(p, "short-lived", base(0), now + 60_000));
      await index.add(entry(p, "long-lived", vectorAt(0.97), now + 600_000));
      expect((await index.nearest(p, base(0), 0.95, now))?.key).toBe("short-lived");
      expect((await index.nearest(p, base(0), 0.95, now + 120_000))?.key).toBe("long-lived");
      expect(await index.nearest(p, base(0), 0.95, now + 1_200_000)).toBeUndefined();
    });

    it("replaces an entry added again under the same partition and key", async () => {
      const index = await open();
      const p = partition("replace");
      const other = partition("replace-other");
      await index.add(entry(p, "k", base(0)));
      await index.add(entry(other, "k", base(0)));
      await index.add(entry(p, "k", base(3)));
      expect(await index.nearest(p, base(0), 0.5, now)).toBeUndefined();
      expect((await index.nearest(p, base(3), 0.99, now))?.key).toBe("k");
      // The same key in another partition is another entry, untouched.
      expect((await index.nearest(other, base(0), 0.99, now))?.key).toBe("k");
    });

    it("removes an entry by partition and key, and only that one", async () => {
      const index = await open();
      const p = partition("remove");
      const other = partition("remove-other");
      await index.add(entry(p, "gone", base(0)));
      await index.add(entry(p, "stays", vectorAt(0.96)));
      await index.add(entry(other, "gone", base(0)));
      await index.remove(p, "gone");
      await index.remove(p, "never-added");
      await index.remove(partition("never-seen"), "gone");
      expect((await index.nearest(p, base(0), 0.95, now))?.key).toBe("stays");
      expect((await index.nearest(other, base(0), 0.99, now))?.key).toBe("gone");
      await index.remove(p, "stays");
      expect(await index.nearest(p, base(0), 0.5, now)).toBeUndefined();
    });

    it("never matches across dimensions, and a vector of other dimensions does not throw on add", async () => {
      const index = await open();
      const p = partition("dims");
      await index.add(entry(p, "full", base(0)));
      const shorter = base(0, CONTRACT_DIMENSIONS / 2);
      const longer = new Float32Array(CONTRACT_DIMENSIONS * 2);
      longer.set(base(0)); // the same leading components: a dot over the shorter length would match
      expect(await index.nearest(p, shorter, 0.5, now)).toBeUndefined();
      expect(await index.nearest(p, longer, 0.5, now)).toBeUndefined();
      await expect(index.add(entry(p, "short", shorter))).resolves.toBeUndefined();
      expect((await index.nearest(p, shorter, 0.5, now))?.key).not.toBe("full");
      expect((await index.nearest(p, base(0), 0.5, now))?.key).toBe("full");
    });
  });
}
