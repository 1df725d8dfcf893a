import { deletedVirtualKeys, virtualKeys, type DbClient } from "@org/db";
import type { SQL } from "drizzle-orm";
import { actorOf, type Caller } from "./caller.ts";

/**
 * Records the keys matching `where` as deleted before the rows go (deleting a team or user
 * cascades to its keys), so requests with them are told the key was deleted. Returns their
 * hashes, to publish invalidations after the commit.
 */
export async function retireKeys(tx: DbClient, caller: Caller, where: SQL): Promise<string[]> {
  const keys = await tx.select().from(virtualKeys).where(where);
  if (keys.length === 0) return [];
  await tx
    .insert(deletedVirtualKeys)
    .values(
      keys.map((k) => ({
        tokenHash: k.tokenHash,
        keyId: k.id,
        keyAlias: k.keyAlias,
        teamId: k.teamId,
        userId: k.userId,
        reason: "deleted",
        deletedBy: actorOf(caller),
      })),
    )
    .onConflictDoNothing();
  await tx.delete(virtualKeys).where(where);
  return keys.map((k) => k.tokenHash);
}
