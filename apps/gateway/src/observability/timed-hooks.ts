import type { RouterHooks } from "@org/router";
import type { GatewayRequestMetadata } from "../request-metadata.ts";

/** The phases the OTel child spans show, and where their times are kept on the metadata. */
export type TimedPhase = "checks" | "cacheLookup";

/**
 * The same hooks with their pre-call timed into the request's metadata, for the `gateway.auth`
 * (auth, budgets, limits) and `gateway.cache_lookup` spans. A synchronous pre-call stays
 * synchronous; a refusal (a throw) is timed too, since its span is the interesting one.
 */
export function timePreCall(
  phase: TimedPhase,
  hooks: RouterHooks<GatewayRequestMetadata> | undefined,
  now: () => number = Date.now,
): RouterHooks<GatewayRequestMetadata> | undefined {
  const preCall = hooks?.preCall;
  if (hooks === undefined || preCall === undefined) return hooks;
  return {
    ...hooks,
    preCall(ctx) {
      const metadata = ctx.metadata;
      if (phase === "cacheLookup") metadata.cacheLookupStartedAt = now();
      const ended = () => {
        if (phase === "checks") metadata.checksEndedAt = now();
        else metadata.cacheLookupEndedAt = now();
      };
      let answer;
      try {
        answer = preCall.call(hooks, ctx);
      } catch (error) {
        ended();
        throw error;
      }
      if (!(answer instanceof Promise)) {
        ended();
        return answer;
      }
      return answer.then(
        (value) => {
          ended();
          return value;
        },
        (error: unknown) => {
          ended();
          throw error;
        },
      );
    },
  };
}
