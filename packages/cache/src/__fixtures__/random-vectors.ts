import { normalize } from "../semantic/vector-math.ts";

/** A deterministic generator in [-0.5, 0.5), so a failure replays. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A random unit vector: two of them at these sizes are ~orthogonal (cosine ~0.1 or less). */
export function randomUnit(next: () => number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = next();
  return normalize(v);
}

/** `v` moved by noise of the given size: cosine ~0.99 to `v` at the sizes the tests use. */
export function near(v: Float32Array, next: () => number, noise: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! + next() * noise;
  return normalize(out);
}
