import type { Context } from "hono";
import {
  anthropic,
  anthropicRequestToOpenAI,
  countChatTokens,
  InvalidRequestError,
  messagesFormat,
  type TokenizerTarget,
} from "@org/core";
import { checkModelAccess } from "@org/budgets";
import { UnknownModelError } from "@org/router";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { errorResponse } from "../http/error-response.ts";
import { readJson, validateBody } from "../http/parse-body.ts";
import { applyKeyAlias } from "../http/router-call.ts";
import { hideUnknownModel } from "../auth/model-visibility.ts";
import { groupTargets } from "./group-targets.ts";

/**
 * POST /v1/messages/count_tokens: `{input_tokens}` for a Messages body, counted locally on the
 * converted request with the tokenizer profile of the group's first deployment: exact for
 * OpenAI models, a documented estimate for others (@org/core's `tokenizerProfile`). Nothing is
 * sent upstream. A virtual key may count only for models it may call. Errors are in Anthropic's
 * envelope, as on /v1/messages.
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
      // The same name means the same model as on /v1/messages: the key's alias is rewritten,
      // and the key's access is checked on what it names, as the router's hooks do there
      // (LiteLLM checks the body's model on every route at auth).
      applyKeyAlias(c, body);
      const group = deps.router.modelGroupOf(body.model);
      const identity = c.get("identity");
      if (group === undefined) {
        hideUnknownModel(identity, body.model, () => false, deps.accessGroupsOf);
        throw new UnknownModelError(body.model);
      }
      if (identity?.kind === "virtual_key") {
        const accessGroupsOf = deps.accessGroupsOf;
        checkModelAccess(identity, body.model, group, accessGroupsOf ? { accessGroupsOf } : {});
      }
      const targets = groupTargets(deps.router.deployments(), body.model);
      const request = anthropicRequestToOpenAI(body);
      const target: TokenizerTarget = targets[0] ?? { provider: "openai", model: body.model };
      return c.json({ input_tokens: countChatTokens(request, target) });
    } catch (error) {
      return errorResponse(error, deps.logger, messagesFormat, c.get("callId"));
    }
  };
}
