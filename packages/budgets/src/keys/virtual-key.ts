import { createHash, randomBytes } from "node:crypto";

/**
 * A new virtual key: `sk-` and 22 random base64url characters (LiteLLM's length), 132 bits of
 * entropy. Returned to the caller once; only its hash is stored.
 */
export function generateKeyString(): string {
  return `sk-${randomBytes(16).toString("base64url").slice(0, 22)}`;
}

/** SHA-256 hex of the key: what `virtual_keys.token_hash` and `spend_logs.api_key_hash` hold. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** LiteLLM's `key_name`: "sk-...abcd", the last four characters, safe to show and log. */
export function abbreviateKey(key: string): string {
  return `sk-...${key.slice(-4)}`;
}

/** Whether a string is a SHA-256 hex digest (a key given by its hash in management calls). */
export function isKeyHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
