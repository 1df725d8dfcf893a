import type { ChatCompletion } from "../../openai/chat-response.ts";
import { toCompletionFinishReason } from "./completion-finish-reason.ts";
import { toCompletionId } from "./completion-id.ts";
import { toCompletionLogprobs } from "./completion-logprobs.ts";
import { completionPrompt } from "./completion-prompt.ts";
import type { CompletionRequest } from "./completion-request.ts";
import type { TextCompletion } from "./text-completion.ts";

/** A chat completion as a `text_completion`: each choice's message text (after the prompt, with `echo`). */
export function chatCompletionToTextCompletion(
  completion: ChatCompletion,
  request: CompletionRequest,
): TextCompletion {
  const prefix = request.echo === true ? completionPrompt(request) : "";
  const wantsLogprobs = typeof request.logprobs === "number";
  const out: TextCompletion = {
    id: toCompletionId(completion.id),
    object: "text_completion",
    created: completion.created,
    model: completion.model,
    choices: completion.choices.map((choice) => ({
      text: prefix + (choice.message.content ?? ""),
      index: choice.index,
      logprobs: wantsLogprobs ? toCompletionLogprobs(choice.logprobs, prefix.length) : null,
      finish_reason: toCompletionFinishReason(choice.finish_reason),
    })),
  };
  if (completion.usage) out.usage = completion.usage;
  if (completion.system_fingerprint) out.system_fingerprint = completion.system_fingerprint;
  return out;
}
