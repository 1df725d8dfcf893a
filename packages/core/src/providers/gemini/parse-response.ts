import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletion } from "../../openai/chat-response.ts";
import type { RequestContext, UpstreamResponse } from "../../provider/adapter.ts";
import { convertLogprobs } from "./convert-logprobs.ts";
import { convertUsage } from "./convert-usage.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { parseGeminiPayload } from "./parse-gemini-payload.ts";
import { readCandidateParts } from "./read-candidate-parts.ts";
import { responseIdentity } from "../common/openai-ids.ts";

type Choice = ChatCompletion["choices"][number];

/**
 * A `generateContent` answer as an OpenAI chat completion: one choice per candidate (by its
 * `index`), text as `content` (null when the candidate only called tools or said nothing),
 * thoughts as `reasoning_content`, function calls as `tool_calls`, the mapped finish reason
 * with the raw one kept as `provider_finish_reason`. A prompt blocked before generation (no
 * candidates, `promptFeedback.blockReason`) is one empty `content_filter` choice.
 */
export function parseResponse(response: UpstreamResponse, ctx: RequestContext): ChatCompletion {
  const { deployment } = ctx;
  const payload = parseGeminiPayload(response.body, deployment);
  const identity = responseIdentity(payload.responseId, ctx.callId, deployment.model);
  const candidates = [...(payload.candidates ?? [])].sort(
    (a, b) => (a.index ?? 0) - (b.index ?? 0),
  );

  const choices: Choice[] = candidates.map((candidate, position) => {
    const { text, reasoning, toolCalls } = readCandidateParts(candidate.content?.parts);
    const raw = candidate.finishReason;
    const choice: Choice = {
      index: candidate.index ?? position,
      message: {
        role: "assistant",
        content: text === "" ? null : text,
        ...(reasoning === "" ? {} : { reasoning_content: reasoning }),
        ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
      },
      finish_reason: mapFinishReason(raw ?? "STOP", toolCalls.length > 0),
      logprobs: convertLogprobs(candidate.logprobsResult),
    };
    if (raw !== undefined) choice.provider_finish_reason = raw;
    return choice;
  });

  const blockReason = payload.promptFeedback?.blockReason;
  if (choices.length === 0 && blockReason !== undefined) {
    choices.push({
      index: 0,
      message: { role: "assistant", content: null },
      finish_reason: "content_filter",
      logprobs: null,
      provider_finish_reason: blockReason,
    });
  }
  if (choices.length === 0) {
    throw new UpstreamError(`${deployment.provider} answered without candidates`, {
      provider: deployment.provider,
    });
  }

  return {
    id: identity.id,
    object: "chat.completion",
    created: identity.created,
    model: identity.model,
    choices,
    ...(payload.usageMetadata === undefined ? {} : { usage: convertUsage(payload.usageMetadata) }),
  };
}
