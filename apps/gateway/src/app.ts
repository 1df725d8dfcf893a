import { Hono } from "hono";
import { NotFoundError } from "@org/core";
import type { GatewayDeps } from "./deps.ts";
import type { GatewayEnv } from "./gateway-env.ts";
import { isAnthropicPath } from "./http/anthropic-path.ts";
import { errorResponse } from "./http/error-response.ts";
import { authMiddleware } from "./middleware/auth.ts";
import { bodySizeLimit } from "./middleware/body-size-limit.ts";
import { inFlightMiddleware } from "./middleware/in-flight.ts";
import { requestContext } from "./middleware/request-context.ts";
import { chatCompletionsRoute } from "./routes/chat-completions.ts";
import { dashboardRoute } from "./routes/dashboard.ts";
import { completionsRoute } from "./routes/completions.ts";
import { embeddingsRoute } from "./routes/embeddings.ts";
import { healthRoutes, livelinessRoute } from "./routes/health.ts";
import { countTokensRoute, messagesRoute } from "./routes/messages.ts";
import { anthropicErrorResponse } from "./routes/anthropic-error-response.ts";
import { modelInfoRoute, modelsRoute } from "./routes/models.ts";
import { managementRoutes } from "./management/management-routes.ts";
import { responsesRoute } from "./routes/responses.ts";

/** The gateway's HTTP app. `serve` and the tests both build it from the same deps. */
export function createApp(deps: GatewayDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  // Errors thrown before a route runs (auth, allowed routes, body size) answer in the envelope
  // of the route that was asked for: Anthropic SDK clients read only Anthropic's.
  app.onError((error, c) =>
    isAnthropicPath(c.req.path)
      ? anthropicErrorResponse(error, deps.logger)
      : errorResponse(error, deps.logger),
  );
  app.notFound((c) =>
    errorResponse(new NotFoundError(`Route not found: ${c.req.method} ${c.req.path}`)),
  );

  app.use(inFlightMiddleware(deps.inFlight));
  app.use(requestContext);

  // Liveliness answers without a key so orchestrators can probe it.
  app.route("/", livelinessRoute());
  app.route("/", dashboardRoute());

  app.use(authMiddleware(deps.authenticator));
  app.use(bodySizeLimit(deps.maxRequestBodyBytes));

  const chat = chatCompletionsRoute(deps);
  app.post("/v1/chat/completions", chat);
  app.post("/chat/completions", chat);
  app.post("/openai/deployments/:deployment/chat/completions", chat);

  const responses = responsesRoute(deps);
  app.post("/v1/responses", responses);
  app.post("/responses", responses);

  const completions = completionsRoute(deps);
  app.post("/v1/completions", completions);
  app.post("/completions", completions);

  // Anthropic's Messages API (Anthropic SDK clients), served by any configured model.
  const messages = messagesRoute(deps);
  app.post("/v1/messages", messages);
  app.post("/messages", messages);
  const countTokens = countTokensRoute(deps);
  app.post("/v1/messages/count_tokens", countTokens);
  app.post("/messages/count_tokens", countTokens);

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
