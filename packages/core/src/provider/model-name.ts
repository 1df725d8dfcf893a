import { z } from "zod";

/** Longest model name: the management API stores it in a btree-indexed column (2,704-byte rows). */
export const MODEL_NAME_MAX_CHARS = 512;

// A model name is sent back in response headers (x-litellm-model-group): control characters (CR,
// LF, ...) are refused there and characters beyond Latin-1 cannot be sent at all.
const NOT_HEADER_SAFE = /[^\u0020-\u007e\u00a0-\u00ff]/;

/**
 * Why a model name (model_list's `model_name`, /model/new's) cannot be served, or undefined
 * when it can: the config loader and the management API refuse the same names.
 */
export function modelNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.length > MODEL_NAME_MAX_CHARS)
    return `must be at most ${MODEL_NAME_MAX_CHARS} characters`;
  if (NOT_HEADER_SAFE.test(name))
    return "must contain only printable Latin-1 characters (no control characters such as CR or LF, nothing beyond U+00FF): it is sent in response headers";
  return undefined;
}

/**
 * A request's `model`, bounded like a configured model_name: behind a wildcard deployment any
 * name routes, and the router's memo of wildcard matches, the metrics' series and the upstream
 * body would otherwise hold names up to the body limit (megabytes) from any caller.
 */
export const RequestModelSchema = z.string().min(1).max(MODEL_NAME_MAX_CHARS);
