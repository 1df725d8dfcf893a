/**
 * OpenAI's `encoding_format: "base64"` (openai-node's default) is the vector's float32
 * little-endian bytes, base64-encoded; Ollama answers floats, so the adapter encodes them.
 */
export function encodeEmbedding(
  vector: readonly number[],
  format: "float" | "base64" | undefined,
): number[] | string {
  if (format !== "base64") return [...vector];
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}
