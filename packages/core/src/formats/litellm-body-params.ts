import { InvalidRequestError } from "../errors/gateway-error.ts";
import { EXTRA_BODY_RESERVED } from "../openai/extra-body.ts";
import { GATEWAY_ONLY_PARAMS } from "../providers/openai/convert-request.ts";
import { isRecord } from "../util/is-record.ts";

/**
 * LiteLLM's proxy parameters in an inbound body (`fallbacks`, `num_retries`, `mock_response`,
 * `cache`, ...). Any inference route accepts them, as LiteLLM's does; the router, the mock and
 * the cache read them from the chat request, and every adapter strips them before the upstream.
 * The list is core's GATEWAY_ONLY_PARAMS: one list of what steers the gateway, so a parameter
 * added there is both carried by every format and kept from every upstream.
 */

/**
 * Copies the LiteLLM parameters of `from` (the body as the client sent it) onto `to` (its chat
 * translation), for a format whose translation builds a new body (Messages). `user` and
 * `metadata` are OpenAI fields too, so each format maps those itself.
 */
export function carryLiteLLMParams(
  from: Readonly<Record<string, unknown>>,
  to: Record<string, unknown>,
): void {
  for (const key of GATEWAY_ONLY_PARAMS) {
    const value = from[key];
    if (value !== undefined) to[key] = value;
  }
}

/**
 * Refuses malformed LiteLLM parameters with a 400 naming the field (never echoing its value: a
 * stray credential must not come back in an error). Without this the router ignored a `fallbacks`
 * that was not a list and read `num_retries: -1` as 0, so a caller's typo silently changed what
 * the request did. `cache` is checked by the cache, which owns its controls.
 */
export function checkLiteLLMParams(body: Readonly<Record<string, unknown>>): void {
  for (const key of FALLBACK_FIELDS) {
    const value = body[key];
    if (value != null && !isFallbacks(value)) {
      throw invalid(
        key,
        `${key} must be a list of model group names (or of {"group": ["fallback", ...]} maps)`,
      );
    }
  }
  const retries = body.num_retries;
  if (retries != null && !(Number.isInteger(retries) && (retries as number) >= 0)) {
    throw invalid("num_retries", "num_retries must be a whole number, 0 or more");
  }
  for (const key of TIMEOUT_FIELDS) {
    const value = body[key];
    if (value != null && !(typeof value === "number" && Number.isFinite(value) && value > 0)) {
      throw invalid(key, `${key} must be a number of seconds greater than 0`);
    }
  }
  const disable = body.disable_fallbacks;
  if (disable != null && typeof disable !== "boolean") {
    throw invalid("disable_fallbacks", "disable_fallbacks must be true or false");
  }
  checkMetadataTags(body.metadata);
  checkExtraBody(body.extra_body);
}

/**
 * A literal `extra_body` as chat's schema checks it, for the formats whose translation is not
 * checked as chat's (Messages): the builders would silently drop a reserved field (`model`,
 * `max_tokens`...), where chat refuses it.
 */
function checkExtraBody(extra: unknown): void {
  if (extra == null) return;
  if (!isRecord(extra)) throw invalid("extra_body", "extra_body must be an object");
  for (const name of Object.keys(extra)) {
    if (EXTRA_BODY_RESERVED.has(name)) {
      throw invalid(
        `extra_body.${name}`,
        `extra_body.${name} is not allowed: send ${name} as a top-level field`,
      );
    }
  }
}

/** LiteLLM's request tags (`metadata.tags`), which the spend log records. */
export function checkMetadataTags(metadata: unknown): void {
  if (!isRecord(metadata) || metadata.tags == null) return;
  const tags = metadata.tags;
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) {
    throw invalid("metadata.tags", "metadata.tags must be a list of strings");
  }
}

const FALLBACK_FIELDS = ["fallbacks", "context_window_fallbacks", "content_policy_fallbacks"];
const TIMEOUT_FIELDS = ["timeout", "request_timeout", "stream_timeout"];

/**
 * What the router reads: `["group", ...]`, `[{"group": ["fallback", ...]}, ...]` or
 * `{"group": ["fallback", ...]}` (a single target may be a string).
 */
function isFallbacks(value: unknown): boolean {
  if (Array.isArray(value))
    return value.every((item) => (typeof item === "string" && item !== "") || isFallbackMap(item));
  return isFallbackMap(value);
}

function isFallbackMap(value: unknown): boolean {
  return (
    isRecord(value) &&
    Object.values(value).every(
      (targets) =>
        typeof targets === "string" ||
        (Array.isArray(targets) && targets.every((item) => typeof item === "string")),
    )
  );
}

function invalid(param: string, message: string): InvalidRequestError {
  return new InvalidRequestError(message, { param, code: "invalid_value" });
}
