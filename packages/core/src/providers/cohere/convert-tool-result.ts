import type { ContentPart } from "../../openai/chat-request.ts";
import { textOf } from "./convert-user-content.ts";
import type { CohereDocumentContent } from "./wire-schemas.ts";

/**
 * An OpenAI tool result as Cohere tool-message content: one `document` whose `data` is the
 * result text, the form Cohere's tool-use guides send (`{"data": json.dumps(result)}`). As a
 * document the result can be cited, and JSON results keep their structure for the model.
 * An empty result still sends one document: Cohere rejects a tool message without content.
 */
export function convertToolResult(
  content: string | readonly ContentPart[],
): CohereDocumentContent[] {
  return [{ type: "document", document: { data: textOf(content) } }];
}
