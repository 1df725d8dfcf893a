/**
 * Bedrock returns floats; OpenAI clients often ask for `encoding_format: "base64"` (openai-node
 * does by default), which is the float32 little-endian bytes, base64-encoded.
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
