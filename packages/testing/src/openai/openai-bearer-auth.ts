import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { openaiError } from "./openai-error.ts";

/** An `authorize` hook answering 401 exactly as OpenAI does unless `Bearer <apiKey>` is sent. */
export function openaiBearerAuth(apiKey: string) {
  return (req: RecordedRequest): FakeResponse | undefined => {
    const header = req.headers["authorization"];
    if (header === undefined || header.trim() === "") {
      return openaiError(401, {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        code: null,
      });
    }
    const key = header.replace(/^Bearer\s+/i, "");
    if (key === apiKey) return undefined;
    return openaiError(401, {
      message: `Incorrect API key provided: ${redactKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      code: "invalid_api_key",
    });
  };
}

/** OpenAI echoes only the ends of a wrong key; so does the fake, so tests can spot leaks. */
function redactKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 3)}${"*".repeat(key.length - 7)}${key.slice(-4)}`;
}
