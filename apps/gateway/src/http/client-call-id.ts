/** The longest `x-litellm-call-id` a client may send (a UUID is 36 characters). */
export const MAX_CLIENT_CALL_ID_LENGTH = 256;

/** Visible ASCII only: no spaces, control characters or bytes a header parser reads as latin1. */
const CALL_ID_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * Why a client's `x-litellm-call-id` is unusable, or undefined when it is fine. The id is kept in
 * the spend log's metadata and echoed in the response, so it is bounded like any stored value.
 */
export function checkClientCallId(value: string): string | undefined {
  if (value.length > MAX_CLIENT_CALL_ID_LENGTH) {
    return `Invalid 'x-litellm-call-id' header: at most ${MAX_CLIENT_CALL_ID_LENGTH} characters, got ${value.length}`;
  }
  if (!CALL_ID_CHARACTERS.test(value)) {
    return "Invalid 'x-litellm-call-id' header: only visible ASCII characters (letters, digits, punctuation; no spaces) are allowed";
  }
  return undefined;
}
