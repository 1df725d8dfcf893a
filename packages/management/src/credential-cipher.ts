import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { InvalidRequestError } from "@org/core";

/**
 * Encrypts provider credentials (a model's `litellm_params`) for `proxy_models`, with AES-256-GCM
 * under a key derived from LITELLM_SALT_KEY by scrypt (once per process). Each value gets a fresh
 * 96-bit IV; GCM's tag makes tampering or a wrong salt key fail loudly instead of decrypting to
 * garbage. Format: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export interface CredentialCipher {
  encrypt(plaintext: string): string;
  decrypt(encrypted: string): string;
}

const VERSION = "v1";
// A fixed application salt: the secret is the salt key itself; this separates our derived key
// from any other use of the same salt key.
const KDF_SALT = "llmgw/proxy_models/litellm_params/v1";

export function createCredentialCipher(saltKey: string | undefined): CredentialCipher {
  if (!saltKey) {
    throw new InvalidRequestError(
      "Cannot store model credentials: LITELLM_SALT_KEY is not set. Provider credentials added at runtime are stored encrypted with a key derived from it, and are never written in plaintext. Set LITELLM_SALT_KEY to a long random string (and never change it afterwards: stored credentials could no longer be decrypted), then restart the gateway.",
      { code: "salt_key_missing" },
    );
  }
  const key = scryptSync(saltKey, KDF_SALT, 32, {
    N: 1 << 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        iv.toString("base64url"),
        tag.toString("base64url"),
        body.toString("base64url"),
      ].join(".");
    },
    decrypt(encrypted) {
      const [version, iv, tag, body] = encrypted.split(".");
      if (version !== VERSION || !iv || !tag || body === undefined) {
        throw new Error("Stored model credentials are not in a format this gateway can read");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      try {
        return Buffer.concat([
          decipher.update(Buffer.from(body, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new Error(
          "Could not decrypt stored model credentials: LITELLM_SALT_KEY differs from the one they were stored with",
        );
      }
    },
  };
}
