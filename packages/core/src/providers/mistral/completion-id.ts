/**
 * Mistral ids look like `cmpl-e5cc70bb...` (or bare hex); clients of an OpenAI endpoint expect
 * `chatcmpl-...`. Derived from Mistral's id, so logs still match Mistral's request.
 */
export function toChatCompletionId(id: string): string {
  if (id === "" || id.startsWith("chatcmpl-")) return id;
  return `chatcmpl-${id.replace(/^cmpl-/, "")}`;
}
