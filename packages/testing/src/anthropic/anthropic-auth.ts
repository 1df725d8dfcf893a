import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { anthropicError } from "./anthropic-error.ts";

/**
 * An `authorize` hook checking what api.anthropic.com checks before anything else: the
 * `x-api-key` (or an OAuth `Authorization: Bearer` token) and the required `anthropic-version`.
 * Without `apiKey`, any key is accepted but one must be present.
 */
export function anthropicAuth(apiKey: string | undefined) {
  return (req: RecordedRequest): FakeResponse | undefined => {
    const key =
      req.headers["x-api-key"] ?? req.headers["authorization"]?.replace(/^Bearer\s+/i, "");
    if (key === undefined || key.trim() === "") {
      return anthropicError(401, { message: "x-api-key header is required" });
    }
    if (apiKey !== undefined && key !== apiKey)
      return anthropicError(401, { message: "invalid x-api-key" });
    if (req.headers["anthropic-version"] === undefined) {
      return anthropicError(400, { message: "anthropic-version: header is required" });
    }
    return undefined;
  };
}
