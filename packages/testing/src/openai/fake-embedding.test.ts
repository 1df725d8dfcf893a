import { describe, expect, it } from "vitest";
import { embeddingToBase64, fakeEmbedding } from "./fake-embedding.ts";

describe("fakeEmbedding", () => {
  it("is deterministic, unit length and input-dependent", () => {
    const a = fakeEmbedding("hello", 16);
    expect(Array.from(fakeEmbedding("hello", 16))).toEqual(Array.from(a));
    expect(Array.from(fakeEmbedding("hellp", 16))).not.toEqual(Array.from(a));
    const norm = Math.sqrt(Array.from(a).reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  it("base64 holds the same numbers as little-endian float32", () => {
    const vector = fakeEmbedding("x", 4);
    const bytes = Buffer.from(embeddingToBase64(vector), "base64");
    expect(bytes.byteLength).toBe(16);
    expect([0, 1, 2, 3].map((i) => bytes.readFloatLE(i * 4))).toEqual(Array.from(vector));
  });
});
