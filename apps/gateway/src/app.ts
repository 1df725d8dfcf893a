import { Hono } from "hono";
import { NotFoundError } from "@org/core";
import type { GatewayDeps } from "./deps.ts";
import type { GatewayEnv } from "./gateway-env.ts";
import { errorResponse } from "./http/error-response.ts";
import { authMiddleware } from "./middleware/auth.ts";
import { bodySizeLimit } from "./middleware/body-size-limit.ts";
import { inFlightMiddleware } from "./middleware/in-flight.ts";
import { requestContext } from "./middleware/request-context.ts";
import { refusedRequestEvents, surfaceOf } from "./observability/refused-request-events.ts";
import { dashboardRoute } from "./routes/dashboard.ts";
import { embeddingsRoute } from "./routes/embeddings.ts";
import { healthRoutes, livelinessRoute } from "./routes/health.ts";
import { cacheAdminRoutes } from "./routes/cache-admin.ts";
import { metricsRoute } from "./routes/metrics.ts";
import { countTokensRoute } from "./routes/count-tokens.ts";
import {
  COUNT_TOKENS_PATHS,
  formatOfPath,
  INFERENCE_ROUTES,
} from "./inference/inference-routes.ts";
import { modelInfoRoute, modelsRoute } from "./routes/models.ts";
import { managementRoutes } from "./management/management-routes.ts";
import { sessionInfoRoute, sessionLoginRoutes } from "./routes/session-routes.ts";
import { createLoginAudit } from "./auth/login-audit.ts";
import { HotPathRouter } from "./http/hot-path-router.ts";

/** Static POST paths served on every model call: inference, embeddings. */
const HOT_PATHS = [
  ...INFERENCE_ROUTES.flatMap((route) => route.paths),
  "/v1/embeddings",
  "/embeddings",
]
  .filter((path) => !path.includes(":") && !path.includes("*"))
  .map((path) => `POST ${path}`);

/** The gateway's HTTP app. `serve` and the tests both build it from the same deps. */
export function createApp(deps: GatewayDeps): Hono<GatewayEnv> {
  // The inference paths' handler lists are looked up once, not per request (hot-path-router.ts).
  const app = new Hono<GatewayEnv>({ router: new HotPathRouter(HOT_PATHS) });

  // Errors thrown before a route runs (auth, allowed routes, body size) answer in the envelope
  // of the route that was asked for: Anthropic SDK clients read only Anthropic's.
  app.onError((error, c) =>
    errorResponse(error, deps.logger, formatOfPath(c.req.path), c.get("callId")),
  );
  app.notFound((c) =>
    errorResponse(new NotFoundError(`Route not found: ${c.req.method} ${c.req.path}`)),
  );

  app.use(inFlightMiddleware(deps.inFlight));
  app.use(requestContext);

  // Liveliness answers without a key so orchestrators can probe it.
  app.route("/", livelinessRoute());
  app.route("/", dashboardRoute());

  // Open by default, as LiteLLM's /metrics is; behind a key when the config says so.
  if (deps.observability && !deps.metricsRequireAuth) app.route("/", metricsRoute(deps));

  // Before auth, so an inference request refused there (or by its route before the router)
  // still yields its one event for /metrics and the sinks.
  const publish = deps.observability?.publish;
  if (publish) {
    for (const route of INFERENCE_ROUTES) {
      const callType = surfaceOf(route.callType);
      for (const path of route.paths) app.use(path, refusedRequestEvents(publish, callType, path));
    }
    for (const path of ["/v1/embeddings", "/embeddings"]) {
      app.use(path, refusedRequestEvents(publish, "embedding", path));
    }
  }

  // Dashboard login and logout need no key; the session they set is read by the auth middleware.
  if (deps.sessions) {
    const audit = createLoginAudit({
      logger: deps.logger,
      ...(deps.observability?.loginFailed ? { countFailure: deps.observability.loginFailed } : {}),
    });
    app.route("/", sessionLoginRoutes(deps.sessions, deps.maxRequestBodyBytes, audit));
  }

  app.use(authMiddleware(deps.authenticator, deps.sessions));
  if (deps.sessions) app.route("/", sessionInfoRoute(deps.sessions));
  if (deps.observability && deps.metricsRequireAuth) app.route("/", metricsRoute(deps));
  app.use(bodySizeLimit(deps.maxRequestBodyBytes));

  // Chat, Responses, Completions and Anthropic Messages: one route, one format per path.
  for (const route of INFERENCE_ROUTES) {
    const handler = route.handler(deps);
    for (const path of route.paths) app.post(path, handler);
  }
  const countTokens = countTokensRoute(deps);
  for (const path of COUNT_TOKENS_PATHS) app.post(path, countTokens);

  const embeddings = embeddingsRoute(deps);
  app.post("/v1/embeddings", embeddings);
  app.post("/embeddings", embeddings);

  const models = modelsRoute(deps);
  app.get("/v1/models", models);
  app.get("/models", models);
  const modelInfo = modelInfoRoute(deps);
  app.get("/model/info", modelInfo);
  app.get("/v1/model/info", modelInfo);

  app.route("/", healthRoutes(deps));
  app.route("/", cacheAdminRoutes(deps));
  if (deps.management) {
    app.route(
      "/",
      managementRoutes({
        management: deps.management.service,
        ...(deps.management.onModelsChanged
          ? { onModelsChanged: deps.management.onModelsChanged }
          : {}),
      }),
    );
  }
  return app;
}
