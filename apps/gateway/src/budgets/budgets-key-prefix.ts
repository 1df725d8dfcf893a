import { createHash } from "node:crypto";

/**
 * The budgets' Redis prefix before it carried the deployment: every deployment using one Redis
 * wrote the same keys. Its spend stream is emptied into the deployment's own at start.
 */
export const SHARED_BUDGETS_KEY_PREFIX = "llmgw:budgets:";

/**
 * The budgets' Redis keys (spend stream, ledger lines, rate-limit counters, key invalidations)
 * of one deployment: every instance on the same database shares them, another deployment using
 * the same Redis (a staging gateway with its own database, a second team's) has its own. With
 * one prefix for all, each deployment's spend flusher read the other's records from the shared
 * stream and wrote them into its own database: spend lost from one ledger and added to the
 * other; and operator-chosen ids (a user_id, an end user) shared budget lines and rpm counts.
 * The tag is a hash of the deployment id (auth/deployment-id.ts), not the id itself.
 */
export function budgetsKeyPrefixOf(deploymentId: string): string {
  const tag = createHash("sha256").update(deploymentId).digest("hex").slice(0, 12);
  return `${SHARED_BUDGETS_KEY_PREFIX}${tag}:`;
}
