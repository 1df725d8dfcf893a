import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import {
  geminiInvalidApiKeyError,
  geminiMissingApiKeyError,
  vertexUnauthenticatedError,
} from "./google-error.ts";

/**
 * An `authorize` hook checking the Gemini API key the way Google does: in `x-goog-api-key` or
 * the `key` query parameter; none is a 403 PERMISSION_DENIED, a wrong one a 400 API_KEY_INVALID.
 */
export function geminiApiKeyAuth(apiKey: string) {
  return (req: RecordedRequest): FakeResponse | undefined => {
    const query = new URLSearchParams(
      req.path.includes("?") ? req.path.slice(req.path.indexOf("?") + 1) : "",
    );
    const sent = req.headers["x-goog-api-key"] ?? query.get("key") ?? undefined;
    if (sent === undefined || sent === "") return geminiMissingApiKeyError();
    return sent === apiKey ? undefined : geminiInvalidApiKeyError();
  };
}

/** An `authorize` hook requiring `Authorization: Bearer <accessToken>`, answering Vertex's 401s. */
export function vertexBearerAuth(accessToken: string) {
  return (req: RecordedRequest): FakeResponse | undefined => {
    const header = req.headers["authorization"];
    if (header === undefined || header.trim() === "") return vertexUnauthenticatedError(true);
    return header.replace(/^Bearer\s+/i, "") === accessToken
      ? undefined
      : vertexUnauthenticatedError(false);
  };
}
