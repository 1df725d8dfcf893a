import { virtualKeys, type DbClient } from "@org/db";
import { inArray } from "drizzle-orm";

/**
 * Which of these key hashes are virtual keys in this database (deleted keys are not): a spend
 * record of another key, in a stream several deployments share, is another deployment's.
 */
export async function existingKeyHashes(
  db: DbClient,
  keyHashes: readonly string[],
): Promise<Set<string>> {
  if (keyHashes.length === 0) return new Set();
  const rows = await db
    .select({ hash: virtualKeys.tokenHash })
    .from(virtualKeys)
    .where(inArray(virtualKeys.tokenHash, [...keyHashes]));
  return new Set(rows.map((r) => r.hash));
}
