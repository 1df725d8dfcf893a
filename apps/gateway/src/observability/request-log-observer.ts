import type { EventObserver, Logger } from "@org/observability";

/**
 * At `LITELLM_LOG=DEBUG`, one line per finished request (LiteLLM logs each call at DEBUG):
 * who, which model and deployment, the outcome, tokens, cost, retries. `request_id` is the
 * call id, given explicitly because a stream ends after its handler returned. Never the
 * messages, the response or a key (its hash prefix only). Undefined below DEBUG, so the
 * request path pays nothing for it.
 */
export function requestLogObserver(logger: Logger): EventObserver | undefined {
  if (logger.isLevelEnabled?.("debug") !== true) return undefined;
  return {
    observe(event) {
      logger.debug("request finished", {
        request_id: event.callId,
        route: event.route,
        stream: event.stream,
        status: event.status,
        http_status: event.httpStatus,
        duration_ms: Math.round(event.endTime - event.startTime),
        key_hash: event.keyHash?.slice(0, 12),
        key_alias: event.keyAlias,
        team_id: event.teamId,
        requested_model: event.requestedModel,
        model_group: event.modelGroup,
        deployment_id: event.deploymentId,
        provider: event.provider,
        cache_hit: event.cacheHit,
        retries: event.retries,
        fallbacks: event.fallbacks.length > 0 ? event.fallbacks : undefined,
        prompt: event.tokens?.prompt,
        completion: event.tokens?.completion,
        cost: event.cost,
        error_class: event.errorClass,
        error: event.errorMessage,
      });
    },
  };
}
