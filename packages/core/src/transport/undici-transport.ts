import { Agent } from "undici";
import type { IncomingHttpHeaders } from "node:http";
import type { UpstreamRequest } from "../provider/adapter.ts";
import { mapTransportError } from "./map-transport-error.ts";
import type { Transport, TransportOptions, TransportResponse } from "./transport.ts";

export interface UndiciTransportOptions {
  /** Most sockets kept per origin (undici's `connections`); unlimited when omitted. */
  connections?: number;
  /** How long an idle keep-alive socket stays open, in ms (default 60 s). */
  keepAliveTimeoutMs?: number;
}

/**
 * The production transport: one undici Agent, i.e. a keep-alive pool per origin, so a busy
 * gateway reuses warm TCP+TLS connections instead of a handshake per request. undici's
 * `request()` is used rather than global fetch, which adds WHATWG stream and Headers overhead
 * on the hot path. Pipelining stays at 1: LLM calls are long, and a slow answer must not hold
 * up the requests queued behind it on the same socket.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const agent = new Agent({
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 60_000,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });

  return {
    async send(request: UpstreamRequest, sendOptions: TransportOptions = {}) {
      const url = new URL(request.url);
      const { signal } = sendOptions;
      let response;
      try {
        response = await agent.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          signal: signal ?? null,
          // undefined keeps undici's default (300 s); 0 would disable the timer.
          ...(sendOptions.headersTimeoutMs === undefined
            ? {}
            : { headersTimeout: sendOptions.headersTimeoutMs }),
          ...(sendOptions.bodyTimeoutMs === undefined
            ? {}
            : { bodyTimeout: sendOptions.bodyTimeoutMs }),
        });
      } catch (error) {
        throw mapTransportError(error, url.origin, signal);
      }
      return toTransportResponse(response, url.origin, signal);
    },
    close() {
      return agent.close();
    },
  };
}

type UndiciResponse = Awaited<ReturnType<Agent["request"]>>;

function toTransportResponse(
  response: UndiciResponse,
  origin: string,
  signal: AbortSignal | undefined,
): TransportResponse {
  const { body } = response;
  return {
    status: response.statusCode,
    headers: flattenHeaders(response.headers),
    body: {
      async *[Symbol.asyncIterator]() {
        try {
          // Leaving this loop early (the caller stopped reading) destroys the undici body,
          // which closes the socket instead of returning a half-read one to the pool.
          for await (const chunk of body) yield chunk as Uint8Array;
        } catch (error) {
          throw mapTransportError(error, origin, signal);
        }
      },
    },
    async text() {
      try {
        return await body.text();
      } catch (error) {
        throw mapTransportError(error, origin, signal);
      }
    },
    async dump() {
      try {
        await body.dump();
      } catch {
        // Releasing a connection we no longer care about cannot fail the call.
      }
    },
  };
}

/** Header names from undici are already lower-case; repeated headers join with ", ". */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
