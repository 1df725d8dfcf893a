/**
 * Where the dashboard's session cookie stands in for a key: the management API and the read-only
 * info routes it shows. Never the model routes, so a session cannot be used to spend money, and
 * only together with the `x-dashboard-request: 1` header (see the auth middleware): a cross-site
 * form or image cannot set a custom header, which is the CSRF guard on top of SameSite=Strict.
 */
const PREFIXES = [
  "/key/",
  "/team/",
  "/user/",
  "/organization/",
  "/spend/",
  "/global/",
  "/model/",
  "/v1/model/",
  "/health/",
];
const EXACT = new Set(["/v1/models", "/models", "/health", "/v2/session"]);

export const DASHBOARD_HEADER = "x-dashboard-request";

export function acceptsSessionCookie(path: string): boolean {
  return EXACT.has(path) || PREFIXES.some((prefix) => path.startsWith(prefix));
}
