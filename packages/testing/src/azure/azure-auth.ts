import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { azureUnauthorizedError } from "./azure-error.ts";

export interface AzureAuthOptions {
  /** Accepted in the `api-key` header. */
  apiKey?: string;
  /** An Entra ID token accepted as `Authorization: Bearer`. */
  adToken?: string;
}

/**
 * An `authorize` hook answering 401 as Azure does unless the request carries the key in
 * `api-key` (a key sent as Bearer is refused, as on the classic data plane) or the token as
 * Bearer.
 */
export function azureAuth(options: AzureAuthOptions) {
  return (req: RecordedRequest): FakeResponse | undefined => {
    const key = req.headers["api-key"];
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (options.apiKey !== undefined && key === options.apiKey) return undefined;
    if (options.adToken !== undefined && bearer === options.adToken) return undefined;
    return azureUnauthorizedError(key === undefined && bearer === undefined);
  };
}
