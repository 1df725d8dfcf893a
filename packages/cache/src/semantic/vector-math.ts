/** A unit-length float32 copy of `vector` (cosine similarity becomes a dot product). */
export function normalize(vector: ArrayLike<number>): Float32Array {
  return normalizeInto(vector, new Float32Array(vector.length));
}

/**
 * `normalize` into `out` (as long as `vector`), bit for bit the same: for a caller that copies
 * the result at once (the in-process index's adds), so 100k adds of 1536 dimensions do not leave
 * 600 MB of short-lived arrays for the GC.
 */
export function normalizeInto(vector: ArrayLike<number>, out: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const v = Number(vector[i]);
    out[i] = v;
    sum += v * v;
  }
  const norm = Math.sqrt(sum);
  if (norm === 0 || !Number.isFinite(norm)) return out;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}

/** Dot product of two unit vectors: their cosine similarity. Different lengths never match. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Dot product of `block[offset .. offset+dims)` with `q`, unrolled by four (the hot loop). */
export function dotAt(block: Float32Array, offset: number, q: Float32Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    s0 += block[offset + i]! * q[i]!;
    s1 += block[offset + i + 1]! * q[i + 1]!;
    s2 += block[offset + i + 2]! * q[i + 2]!;
    s3 += block[offset + i + 3]! * q[i + 3]!;
  }
  for (; i < dims; i++) s0 += block[offset + i]! * q[i]!;
  return s0 + s1 + s2 + s3;
}

export function equalAt(
  block: Float32Array,
  offset: number,
  q: Float32Array,
  dims: number,
): boolean {
  for (let i = 0; i < dims; i++) if (block[offset + i] !== q[i]) return false;
  return true;
}

/**
 * Above this a dot product may be float32 rounding of an identical vector: only then are the
 * elements compared, so an identical vector reports exactly 1 and nothing else ever does (a
 * threshold of 1.0 behaves as an exact match).
 */
const MAY_BE_IDENTICAL = 1 - 1e-4;
const BELOW_ONE = 1 - Number.EPSILON;

/**
 * Cosine similarity of the unit vector at `block[offset ..]` and the unit vector `q`: exactly 1
 * only when they are identical. Every index reports similarity through this, so a threshold
 * means the same in each.
 */
export function similarityAt(block: Float32Array, offset: number, q: Float32Array): number {
  const similarity = dotAt(block, offset, q, q.length);
  if (similarity <= MAY_BE_IDENTICAL) return similarity;
  return equalAt(block, offset, q, q.length) ? 1 : Math.min(similarity, BELOW_ONE);
}
