import type { GatewayRequestMetadata } from "./request-metadata.ts";
import type { Router } from "@org/router";
import type { Logger } from "@org/observability";
import type { Management } from "@org/management";
import type { Authenticator } from "./auth/authenticator.ts";
import type { DashboardSessions } from "./auth/dashboard-sessions.ts";
import type { BuiltCache } from "./cache/build-cache.ts";
import type { BuiltObservability } from "./observability/build-observability.ts";
import type { InFlightTracker } from "./middleware/in-flight.ts";

export interface ReadinessReport {
  status: "healthy" | "unhealthy";
  db: "connected" | "disconnected" | "not configured";
  [detail: string]: unknown;
}

/**
 * Everything the HTTP app needs, built by `main.ts` for production and by tests with fakes.
 * One `createApp(deps)` serves both.
 */
export interface GatewayDeps {
  /** Its calls carry the metadata the budget hooks read (the caller's identity), typed. */
  router: Router<GatewayRequestMetadata>;
  authenticator: Authenticator;
  /** The dashboard's login sessions (/v2/login, the session cookie); absent in app tests. */
  sessions?: DashboardSessions;
  readiness: () => Promise<ReadinessReport>;
  logger: Logger;
  /** Largest accepted request body, in bytes (general_settings.max_request_size_mb). */
  maxRequestBodyBytes: number;
  inFlight: InFlightTracker;
  /** Model access groups (`model_info.access_groups`) of a model group, for keys naming a group. */
  accessGroupsOf?: (modelGroup: string) => readonly string[] | undefined;
  /** general_settings.enforce_user_param: inference requests without `user` are refused. */
  enforceUserParam?: boolean;
  /** The response cache, when `litellm_settings.cache` is on (for /cache/ping and /cache/delete). */
  cache?: Pick<BuiltCache, "status" | "delete">;
  /** Metrics (`GET /metrics`); absent in app tests that need none. */
  observability?: Pick<BuiltObservability, "scrape"> &
    Partial<Pick<BuiltObservability, "publish" | "loginFailed">>;
  /** `litellm_settings.require_auth_for_metrics_endpoint`: /metrics needs a key. */
  metricsRequireAuth?: boolean;
  /** LiteLLM's management API back end; absent in app tests that need none. */
  management?: { service: Management; onModelsChanged?: () => void | Promise<void> };
}
