import { InvalidRequestError } from "@org/core";

/** What one request asks of the cache (LiteLLM's dynamic cache controls). */
export interface CacheControls {
  /** Do not answer from the cache (still stores the fresh answer unless `noStore`). */
  readonly noCache: boolean;
  /** Do not store this answer. */
  readonly noStore: boolean;
  /** How long to keep this answer, in seconds (`cache.ttl`). */
  readonly ttlSeconds?: number;
  /** Accept only entries younger than this, in seconds (`cache.s-maxage`, `Cache-Control: max-age`). */
  readonly maxAgeSeconds?: number;
  /** A namespace within the caller's scope (`cache.namespace`). */
  readonly namespace?: string;
  /** An explicit opt in (true) or out (false): `cache.use-cache`, or the body's `caching` flag. */
  readonly useCache?: boolean;
}

const NONE: CacheControls = { noCache: false, noStore: false };
const MAX_NAMESPACE_LENGTH = 256;
/** Ten years: a larger ttl is a typo, and Redis' EX takes at most a signed 64-bit integer anyway. */
const MAX_SECONDS = 10 * 365 * 24 * 3600;

/**
 * Reads the request's cache controls from the body's `cache` object (also inside a literal
 * `extra_body`, as the OpenAI SDKs' `extra_body` is sometimes sent), the body's `caching` flag,
 * and the `Cache-Control` request header (`no-cache`, `no-store`, `max-age=N`; other directives
 * are ignored, as HTTP says). The body wins over the header. A malformed value is a 400 naming
 * the field: a typo must not silently cache (or not cache) what the caller meant otherwise.
 */
export function readCacheControls(
  body: Readonly<Record<string, unknown>>,
  cacheControlHeader: string | undefined,
): CacheControls {
  const extraBody = body["extra_body"];
  const fromExtra =
    extraBody !== null && typeof extraBody === "object"
      ? (extraBody as Record<string, unknown>)["cache"]
      : undefined;
  const fromBody = body["cache"] ?? fromExtra;
  const caching = body["caching"];
  if (fromBody === undefined && caching === undefined && cacheControlHeader === undefined)
    return NONE;

  const header = parseCacheControlHeader(cacheControlHeader);
  // Named after where the value came from: `cache: null` falls through to extra_body's.
  const param =
    body["cache"] !== undefined && body["cache"] !== null ? "cache" : "extra_body.cache";
  const cache = fromBody === undefined || fromBody === null ? {} : fromBody;
  if (typeof cache !== "object" || Array.isArray(cache))
    throw invalid(param, `${param} must be an object such as {"no-cache": true, "ttl": 600}.`);
  const c = cache as Record<string, unknown>;

  const noCache = flag(c, "no-cache", param) ?? header.noCache;
  const noStore = flag(c, "no-store", param) ?? header.noStore;
  const ttlSeconds = seconds(c, "ttl", param);
  const maxAgeSeconds = seconds(c, "s-maxage", param) ?? header.maxAgeSeconds;
  const namespace = namespaceOf(c["namespace"], param);
  let useCache = flag(c, "use-cache", param);
  if (useCache === undefined && caching !== undefined && caching !== null) {
    if (typeof caching !== "boolean") throw invalid("caching", "caching must be true or false.");
    useCache = caching;
  }
  return {
    noCache,
    noStore,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(useCache === undefined ? {} : { useCache }),
  };
}

function parseCacheControlHeader(value: string | undefined): {
  noCache: boolean;
  noStore: boolean;
  maxAgeSeconds?: number;
} {
  const out: { noCache: boolean; noStore: boolean; maxAgeSeconds?: number } = {
    noCache: false,
    noStore: false,
  };
  if (value === undefined) return out;
  for (const part of value.split(",")) {
    // Split at the first "=" only: `max-age=10=20` is malformed, not max-age=10.
    const eq = part.indexOf("=");
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const rawValue = eq < 0 ? undefined : part.slice(eq + 1);
    if (name === "no-cache") out.noCache = true;
    else if (name === "no-store") out.noStore = true;
    else if (name === "max-age" || name === "s-maxage") {
      const text = rawValue?.trim().replace(/^"|"$/g, "") ?? "";
      if (!/^\d+$/.test(text) || Number(text) > MAX_SECONDS)
        throw invalid(
          "cache-control",
          `Cache-Control ${name} must be a whole number of seconds, got "${text.slice(0, 40)}".`,
        );
      out.maxAgeSeconds = Number(text);
    }
  }
  return out;
}

function flag(c: Record<string, unknown>, name: string, param: string): boolean | undefined {
  const value = c[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw invalid(`${param}.${name}`, `${param}.${name} must be true or false.`);
  return value;
}

function seconds(c: Record<string, unknown>, name: string, param: string): number | undefined {
  const value = c[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_SECONDS)
    throw invalid(
      `${param}.${name}`,
      `${param}.${name} must be a number of seconds between 0 and ${MAX_SECONDS}.`,
    );
  return value;
}

function namespaceOf(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== "string" ||
    value === "" ||
    value.length > MAX_NAMESPACE_LENGTH ||
    // Control characters and spaces would make odd Redis keys and log lines.
    /[\s\u0000-\u001f\u007f]/.test(value)
  )
    throw invalid(
      `${param}.namespace`,
      `${param}.namespace must be a non-empty string of at most ${MAX_NAMESPACE_LENGTH} characters without spaces.`,
    );
  return value;
}

function invalid(param: string, message: string): InvalidRequestError {
  return new InvalidRequestError(message, { param, code: "invalid_cache_control" });
}
