import type { BudgetRequestMetadata } from "@org/budgets";

/**
 * What the gateway hangs on each router call for its hooks: the budget hooks' fields (identity,
 * call id, call type) and the cache's (the request's `Cache-Control` header). A type alias, so
 * it satisfies the router's `RequestMetadata` (a record).
 */
export type GatewayRequestMetadata = {
  -readonly [K in keyof BudgetRequestMetadata]: BudgetRequestMetadata[K];
} & {
  cacheControl?: string;
  /** The matched route pattern (`/v1/chat/completions`), for metrics and traces. */
  route?: string;
  /** The request's incoming W3C trace context, continued by the OpenTelemetry spans. */
  traceparent?: string;
  tracestate?: string;
  /** When the gateway received the request (epoch ms): the server span starts here, before auth. */
  receivedAt?: number;
  /** Phase times (epoch ms) the timed hooks record while tracing is on: the OTel child spans. */
  checksEndedAt?: number;
  cacheLookupStartedAt?: number;
  cacheLookupEndedAt?: number;
};
