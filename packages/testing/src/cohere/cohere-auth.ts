import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { cohereError } from "./cohere-error.ts";

/**
 * An `authorize` hook answering 401 as Cohere does unless `Authorization: Bearer <apiKey>` is
 * sent (the scheme is case-insensitive: Cohere's own examples write `bearer`).
 */
export function cohereBearerAuth(apiKey: string) {
  return (req: RecordedRequest): FakeResponse | undefined => {
    const header = req.headers["authorization"]?.trim() ?? "";
    const match = /^bearer\s+(.+)$/i.exec(header);
    if (match === null) return cohereError(401, "no api key supplied");
    return match[1] === apiKey ? undefined : cohereError(401, "invalid api token");
  };
}
