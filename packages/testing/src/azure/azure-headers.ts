import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { azureRequestId } from "./azure-ids.ts";

/** Headers Azure puts on successful answers (request ids, region, remaining quota). */
export function azureResponseHeaders(
  _req: RecordedRequest,
  tokens: number,
): Record<string, string> {
  const id = azureRequestId();
  return {
    "apim-request-id": id,
    "x-request-id": id,
    "x-ms-region": "Sweden Central",
    "x-ratelimit-remaining-requests": "99",
    "x-ratelimit-remaining-tokens": String(Math.max(0, 150_000 - tokens)),
  };
}
