import { createHash } from "node:crypto";

/**
 * Qdrant point ids must be unsigned integers or UUIDs, so the cache's (partition, key) pair is
 * turned into a name-based UUID (RFC 4122 version 5: SHA-1 of a fixed namespace and the name).
 * The same entry gets the same id on every instance, which makes `add` an upsert (a second
 * answer for the same prompt replaces the first) and lets `remove` delete by id.
 */
const NAMESPACE = Buffer.from("6f1c1a52d1e04c0c9a4f3b1e5d7c2a90", "hex");

export function qdrantPointId(partition: string, key: string): string {
  // JSON of the pair, so ("a:b", "c") and ("a", "b:c") never name the same point.
  const name = JSON.stringify([partition, key]);
  const bytes = createHash("sha1").update(NAMESPACE).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
