import type { FakeReply } from "../fake-server/fake-response.ts";
import { bedrockValidationError } from "./bedrock-error.ts";

type Json = Record<string, unknown>;

/**
 * The request checks bedrock-runtime makes that adapters most often trip over, with the
 * messages it answers them with (400 ValidationException). Undefined when the body passes.
 */
export function validateConverseBody(body: unknown): FakeReply | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return bedrockValidationError(
      "Malformed input request, please reformat your input and try again.",
    );
  }
  const messages = (body as Json)["messages"];
  if (
    !Array.isArray(messages) ||
    messages.length === 0 ||
    (messages[0] as Json)["role"] !== "user"
  ) {
    return bedrockValidationError(
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    );
  }
  let hasToolBlocks = false;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Json;
    const previous = messages[i - 1] as Json | undefined;
    if (previous !== undefined && previous["role"] === message["role"]) {
      return bedrockValidationError(
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
      );
    }
    const content = Array.isArray(message["content"]) ? (message["content"] as Json[]) : [];
    for (let j = 0; j < content.length; j++) {
      const block = content[j] as Json;
      if (typeof block["text"] === "string" && block["text"].trim() === "") {
        return bedrockValidationError(
          `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`,
        );
      }
      if (block["toolUse"] !== undefined || block["toolResult"] !== undefined) hasToolBlocks = true;
    }
  }
  if (hasToolBlocks && (body as Json)["toolConfig"] === undefined) {
    return bedrockValidationError(
      "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
    );
  }
  const inference = (body as Json)["inferenceConfig"] as Json | undefined;
  for (const field of ["temperature", "topP"]) {
    const value = inference?.[field];
    if (typeof value === "number" && (value < 0 || value > 1)) {
      return bedrockValidationError(
        `1 validation error detected: Value '${value}' at 'inferenceConfig.${field}' failed to satisfy constraint: Member must have value less than or equal to 1`,
      );
    }
  }
  return undefined;
}
