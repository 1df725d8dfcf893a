import { PermissionDeniedError } from "@org/core";
import type { AuthIdentity } from "./authenticator.ts";

/**
 * A virtual key's `allowed_routes` (LiteLLM): when set, the key may call only those routes.
 * Each entry is a path (matching itself and anything below it: "/v1/chat" allows
 * "/v1/chat/completions"), a prefix ending in `*`, or the name of one of LiteLLM's route groups
 * (`llm_api_routes`, `openai_routes`, `info_routes`, `management_routes`, ...). It only ever
 * narrows what the key may do: role checks still apply to every route it names, so a key
 * cannot grant itself (or a key it creates) an admin route this way.
 */

const CHAT = [
  "/chat/completions",
  "/v1/chat/completions",
  "/openai/deployments/{model}/chat/completions",
  "/engines/{model}/chat/completions",
];
const OPENAI_ROUTES = [
  ...CHAT,
  "/completions",
  "/v1/completions",
  "/embeddings",
  "/v1/embeddings",
  "/models",
  "/v1/models",
  "/responses",
  "/v1/responses",
];
// LiteLLM lists the /v1 paths; this gateway also serves them without the prefix.
const ANTHROPIC_ROUTES = [
  "/v1/messages",
  "/v1/messages/count_tokens",
  "/messages",
  "/messages/count_tokens",
];
const MODEL_INFO_ROUTES = ["/model/info", "/v1/model/info"];
const KEY_MANAGEMENT_ROUTES = [
  "/key/generate",
  "/key/update",
  "/key/delete",
  "/key/info",
  "/key/regenerate",
  "/key/{key}/regenerate",
  "/key/list",
  "/key/block",
  "/key/unblock",
  "/spend/logs",
];

/** LiteLLM's route groups (LiteLLMRoutes), restricted to the routes this gateway serves. */
export const ROUTE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  openai_routes: OPENAI_ROUTES,
  anthropic_routes: ANTHROPIC_ROUTES,
  model_info_routes: MODEL_INFO_ROUTES,
  llm_api_routes: [...OPENAI_ROUTES, ...ANTHROPIC_ROUTES, ...MODEL_INFO_ROUTES],
  info_routes: [
    "/key/info",
    "/team/info",
    "/team/list",
    "/organization/list",
    "/user/info",
    "/model/info",
    "/v1/model/info",
    "/health",
    "/key/list",
    "/models",
    "/v1/models",
  ],
  key_management_routes: KEY_MANAGEMENT_ROUTES,
  management_routes: [
    "/user/new",
    "/user/update",
    "/user/delete",
    "/user/info",
    "/user/list",
    "/team/new",
    "/team/update",
    "/team/delete",
    "/team/list",
    "/team/info",
    "/team/block",
    "/team/unblock",
    "/model/new",
    "/model/update",
    "/model/delete",
    "/model/info",
    ...KEY_MANAGEMENT_ROUTES,
  ],
  spend_tracking_routes: ["/spend/logs"],
  global_spend_tracking_routes: ["/global/spend/report"],
};

type Matcher = (path: string) => boolean;

/** LiteLLM interpolates the Python list (`['/v1/chat/completions']`); clients match on it. */
const pythonList = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(", ")}]`;

/** One allowed_routes entry as a test on the request path. */
function matcherFor(entry: string): Matcher {
  const group = ROUTE_GROUPS[entry];
  if (group) {
    const members = group.map(routePattern);
    return (path) => members.some((member) => member(path));
  }
  if (entry.endsWith("*")) {
    const prefix = entry.slice(0, -1);
    return (path) => path.startsWith(prefix);
  }
  return (path) => path === entry || path.startsWith(entry + "/");
}

/** A group member; `{name}` stands for one path segment. */
function routePattern(route: string): Matcher {
  if (!route.includes("{")) return (path) => path === route;
  const source = route
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

// Identities are cached by the authenticator, so each key's entries are compiled once.
const compiled = new WeakMap<object, Matcher>();

function allowedRoutesMatcher(routes: readonly string[]): Matcher {
  const matchers = routes.map(matcherFor);
  return (path) => matchers.some((matches) => matches(path));
}

/** Throws LiteLLM's 403 when the identity's allowed_routes do not include `path`. */
export function checkAllowedRoute(identity: AuthIdentity, path: string): void {
  if (identity.kind !== "virtual_key") return;
  const routes = identity.allowedRoutes;
  if (routes.length === 0) return;
  let matches = compiled.get(identity);
  if (!matches) {
    matches = allowedRoutesMatcher(routes);
    compiled.set(identity, matches);
  }
  if (matches(path)) return;
  throw new PermissionDeniedError(
    `Virtual key is not allowed to call this route. Only allowed to call routes: ${pythonList(routes)}. Tried to call route: ${path}`,
    { code: "403" },
  );
}
