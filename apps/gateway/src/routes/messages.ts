import type { Context } from "hono";
import {
  anthropic,
  chatCompletionToChunks,
  countChatTokens,
  InvalidRequestError,
  type ChatStreamPart,
  type TokenizerTarget,
} from "@org/core";
import { UnknownModelError } from "@org/router";
import { requireUserParam } from "../auth/enforce-user-param.ts";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import {
  applyKeyAlias,
  budgetHeaders,
  routerCallOptions,
  spendRecorded,
} from "../http/router-call.ts";
import { overheadHeader } from "../http/overhead-header.ts";
import { readJson, validateBody } from "../http/parse-body.ts";
import { anthropicErrorResponse } from "./anthropic-error-response.ts";
import { anthropicEventStream } from "./anthropic-event-stream.ts";
import { groupTargets } from "./group-targets.ts";
import { modelHeaders } from "./model-headers.ts";

/**
 * POST /v1/messages: Anthropic's Messages API in front of any configured model. The body becomes
 * an OpenAI chat request for the router; the answer (or its chunks) comes back as an Anthropic
 * Message (or Anthropic SSE events). Every error, including a bad body or an unknown model, is in
 * Anthropic's envelope, since Anthropic SDK clients parse that.
 */
export function messagesRoute(deps: GatewayDeps) {
  return async (c: Context<GatewayEnv>) => {
    try {
      const body = validateBody(
        anthropic.AnthropicMessagesRequestSchema,
        await readJson(c.req.raw),
      );
      applyKeyAlias(c, body);
      const request = anthropic.anthropicRequestToOpenAI(body, {
        // Against Anthropic the call passes through faithfully (signed thinking blocks,
        // cache_control, top_k); other providers would reject those fields.
        preserveAnthropicFields: servedOnlyByAnthropic(deps, body.model),
      });
      // Anthropic clients name the end user in metadata.user_id, which became `user`.
      requireUserParam(deps, request.user);
      const result = await deps.router.chatCompletion(request, routerCallOptions(c));
      const headers = { ...modelHeaders(result), ...budgetHeaders(deps, result.context) };
      headers["x-litellm-call-id"] = c.get("callId");
      headers["x-litellm-overhead-duration-ms"] = overheadHeader(
        c.get("startedAt"),
        result.attempts,
      );

      if (result.kind === "response" && body.stream !== true) {
        headers["content-type"] = "application/json";
        const message = anthropic.openAIResponseToAnthropic(result.completion);
        await spendRecorded(deps, result.context);
        return new Response(JSON.stringify(message), { status: 200, headers });
      }

      c.set("streamHeld", true);
      const parts =
        result.kind === "stream"
          ? result.parts
          : // Answered whole (a cache hit, a hook) although streamed: stream it in one go.
            onePart({ chunks: chatCompletionToChunks(result.completion) });
      const stream = anthropicEventStream({
        parts: deps.inFlight.cuttable(parts),
        onClose: () => deps.inFlight.leave(),
        // message_stop goes out only once the spend is journaled, as on chat completions.
        beforeEnd: () => spendRecorded(deps, result.context),
      });
      headers["content-type"] = "text/event-stream; charset=utf-8";
      headers["cache-control"] = "no-cache";
      headers["connection"] = "keep-alive";
      return new Response(stream, { status: 200, headers });
    } catch (error) {
      return anthropicErrorResponse(error, deps.logger);
    }
  };
}

/**
 * POST /v1/messages/count_tokens: `{input_tokens}` for a Messages body, counted locally on the
 * converted request with the tokenizer profile of the group's first deployment: exact for
 * OpenAI models, a documented estimate for others (@org/core's `tokenizerProfile`). Nothing is
 * sent upstream.
 */
export function countTokensRoute(deps: GatewayDeps) {
  return async (c: Context<GatewayEnv>) => {
    try {
      const raw = await readJson(c.req.raw);
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new InvalidRequestError("Request body must be a JSON object", {
          code: "invalid_type",
        });
      }
      // count_tokens takes no max_tokens; the Messages schema needs one.
      const body = validateBody(anthropic.AnthropicMessagesRequestSchema, {
        ...raw,
        max_tokens: 1,
      });
      if (!deps.router.hasModel(body.model)) throw new UnknownModelError(body.model);
      const request = anthropic.anthropicRequestToOpenAI(body);
      const target: TokenizerTarget = groupTargets(deps.router.deployments(), body.model)[0] ?? {
        provider: "openai",
        model: body.model,
      };
      const inputTokens = countChatTokens(request, target);
      return c.json({ input_tokens: inputTokens });
    } catch (error) {
      return anthropicErrorResponse(error, deps.logger);
    }
  };
}

function servedOnlyByAnthropic(deps: GatewayDeps, model: string): boolean {
  const targets = groupTargets(deps.router.deployments(), model);
  return targets.length > 0 && targets.every((target) => target.provider === "anthropic");
}

async function* onePart(part: ChatStreamPart): AsyncGenerator<ChatStreamPart> {
  yield part;
}
