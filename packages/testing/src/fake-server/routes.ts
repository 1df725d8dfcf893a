import type { RecordedRequest } from "./recorded-request.ts";
import { json } from "./json.ts";
import { respond, type Responder, type ResponderLike } from "./responder.ts";

/**
 * A routing table for a provider fake. Keys are `"METHOD /path"`; the path is matched against
 * the pathname (query ignored), exactly, or as a prefix when it ends with `*`
 * (`"GET /v1/models/*"`). The first matching key wins, in insertion order.
 */
export function routes(
  table: Readonly<Record<string, ResponderLike>>,
  fallback: ResponderLike = notFound,
): Responder {
  const entries = Object.entries(table).map(([key, responder]) => {
    const [method = "", path = ""] = key.split(" ", 2);
    return { method: method.toUpperCase(), path, responder };
  });
  return (req, ctx) => {
    const match = entries.find(
      (entry) => entry.method === req.method && pathMatches(entry.path, req),
    );
    return respond(match?.responder ?? fallback, req, ctx);
  };
}

function pathMatches(pattern: string, req: RecordedRequest): boolean {
  return pattern.endsWith("*")
    ? req.pathname.startsWith(pattern.slice(0, -1))
    : req.pathname === pattern;
}

const notFound: Responder = (req) =>
  json({ error: `fake-server: no route for ${req.method} ${req.pathname}` }, { status: 404 });
