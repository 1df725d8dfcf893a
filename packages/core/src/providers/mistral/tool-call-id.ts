const MISTRAL_TOOL_CALL_ID = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;
const SPACE = 62n ** 9n;

/**
 * Mistral rejects tool-call ids that are not exactly 9 characters of `[a-zA-Z0-9]` ("Tool call
 * id was call_... but must be a-z, A-Z, 0-9, with a length of 9"), which breaks a conversation
 * that started on OpenAI or Anthropic. Other ids are mapped to 9 characters by a hash, so the
 * same id always gets the same replacement and an assistant tool call still matches the tool
 * message that answers it. Mistral's own ids pass unchanged.
 */
export function toMistralToolCallId(id: string): string {
  if (MISTRAL_TOOL_CALL_ID.test(id)) return id;
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(id)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
  }
  let value = hash % SPACE;
  let out = "";
  for (let i = 0; i < 9; i++) {
    out = (ALPHABET[Number(value % 62n)] as string) + out;
    value /= 62n;
  }
  return out;
}
