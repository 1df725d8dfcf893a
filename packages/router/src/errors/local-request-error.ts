import { InvalidRequestError, redactSecrets } from "@org/core";

/**
 * A request that failed in this process before anything was sent upstream: the adapter could not
 * build or serialise it (a body nested so deep that serialising it overflows the stack, a value
 * an adapter did not expect). It says nothing about the deployment, so it is a 400 in the
 * caller's envelope, never retried, never sent to fallbacks and never counted as the upstream's.
 */
export class LocalRequestError extends InvalidRequestError {
  constructor(message: string, cause: unknown) {
    super(message, { code: "request_not_buildable", cause });
    this.name = "LocalRequestError";
  }
}

/** Errors the JavaScript engine and runtime throw for code that failed where it ran. */
const LOCAL_ERROR_TYPES = [RangeError, TypeError, ReferenceError, SyntaxError, URIError, EvalError];

/**
 * Whether a raw (not yet classified) error is a local failure. Network failures can also come as
 * a TypeError (fetch's "fetch failed") but carry a code on themselves or their cause; those stay
 * upstream failures.
 */
export function isLocalFailure(error: unknown): error is Error {
  if (!LOCAL_ERROR_TYPES.some((type) => error instanceof type)) return false;
  return !hasErrorCode(error);
}

export function localRequestError(error: Error, secrets: readonly string[]): LocalRequestError {
  return new LocalRequestError(
    redactSecrets(`The request could not be prepared for the upstream: ${reason(error)}`, secrets),
    error,
  );
}

function reason(error: Error): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return `it is nested too deeply to serialise (${error.message})`;
  }
  if (error instanceof RangeError && /string length|array length/i.test(error.message)) {
    return `it is too large to serialise (${error.message})`;
  }
  return `${error.name}: ${error.message}`;
}

function hasErrorCode(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  if (typeof (error as { code?: unknown }).code === "string") return true;
  return hasErrorCode((error as { cause?: unknown }).cause, depth + 1);
}
