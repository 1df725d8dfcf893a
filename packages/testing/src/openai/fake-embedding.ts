/**
 * A deterministic unit-length vector for `text`: the same input always gives the same vector,
 * different inputs almost surely differ. Values are float32, so the `base64` encoding (raw
 * little-endian float32) and the float array carry exactly the same numbers.
 */
export function fakeEmbedding(text: string, dimensions: number): Float32Array {
  let seed = fnv1a(text);
  const values = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    seed = (seed + 0x6d2b79f5) >>> 0;
    const value = mulberry32(seed) * 2 - 1;
    values[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) values[i] = (values[i] ?? 0) * scale;
  return values;
}

/** Little-endian float32 bytes in base64, as OpenAI returns for `encoding_format: "base64"`. */
export function embeddingToBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString("base64");
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function mulberry32(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
