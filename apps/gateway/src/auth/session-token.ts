import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/**
 * The dashboard's session token: `v1.<payload>.<mac>`, both base64url, the MAC an HMAC-SHA256 of
 * the payload. It names who logged in (`"master"` or a virtual key's SHA-256 hash: never a key),
 * the role shown to the UI and when it expires. The HMAC secret is derived (HKDF) from the
 * master key and a salt, so it is not the master key, and rotating the master key ends every
 * session. Anything that does not verify exactly (MAC, version, shape, expiry) is refused whole.
 */
export interface SessionClaims {
  /**
   * "master" (master key or UI_USERNAME login), the virtual key's SHA-256 hex hash, or
   * "user:<user_id>" (an internal user's password login).
   */
  sub: string;
  role: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Random per login, so two logins in one second are two tokens (logout revokes one). */
  jti?: string;
  /** An internal user's session (`sub` "user:<id>"): a digest of the password it was opened with. */
  pwd?: string;
}

const VERSION = "v1";
const INFO = "llm-gateway dashboard session v1";
const DEFAULT_SALT = "llm-gateway-dashboard-session";

export interface SessionTokenSigner {
  sign(claims: SessionClaims): string;
  /** The claims of a valid, unexpired token; undefined for anything else. */
  verify(token: string, nowSeconds: number): SessionClaims | undefined;
}

export function createSessionTokenSigner(options: {
  masterKey: string;
  /** LITELLM_SALT_KEY when set: another secret mixed into the derivation. */
  salt?: string;
  /**
   * The deployment's id (deployment-id.ts), not secret: two deployments sharing a master key and
   * salt still sign differently, so neither accepts the other's tokens.
   */
  scope?: string;
}): SessionTokenSigner {
  const info = options.scope ? `${INFO}\u0000${options.scope}` : INFO;
  const secret = Buffer.from(
    hkdfSync("sha256", options.masterKey, options.salt ?? DEFAULT_SALT, info, 32),
  );
  const mac = (payload: string) => createHmac("sha256", secret).update(payload).digest();

  return {
    sign(claims) {
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      return `${VERSION}.${payload}.${mac(`${VERSION}.${payload}`).toString("base64url")}`;
    },
    verify(token, nowSeconds) {
      // Bounded: a cookie is at most 4 KB, and nothing is hashed for an absurd input.
      if (token.length > 1024) return undefined;
      const parts = token.split(".");
      if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
      const [, payload, signature] = parts as [string, string, string];
      const expected = mac(`${VERSION}.${payload}`);
      const given = Buffer.from(signature, "base64url");
      // Canonical only: base64url decoding skips characters outside its alphabet, so `mac*` would
      // decode to the same MAC (many strings, one token: a replay that dodges any token list).
      if (given.toString("base64url") !== signature) return undefined;
      // Constant time; the length check first because timingSafeEqual requires equal lengths.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      let claims: unknown;
      try {
        claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      } catch {
        return undefined;
      }
      if (!isClaims(claims) || claims.exp <= nowSeconds) return undefined;
      return claims;
    },
  };
}

function isClaims(value: unknown): value is SessionClaims {
  if (typeof value !== "object" || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.sub === "string" &&
    typeof c.role === "string" &&
    typeof c.exp === "number" &&
    typeof c.iat === "number"
  );
}
