import { Agent } from "undici";
import type { IncomingHttpHeaders } from "node:http";
import type { UpstreamRequest } from "../provider/adapter.ts";
import { mapTransportError } from "./map-transport-error.ts";
import { ResponseTooLargeError } from "./response-too-large-error.ts";
import type { Transport, TransportOptions, TransportResponse } from "./transport.ts";

export interface UndiciTransportOptions {
  /** Most sockets kept per origin (undici's `connections`); unlimited when omitted. */
  connections?: number;
  /** How long an idle keep-alive socket stays open, in ms (default 60 s). */
  keepAliveTimeoutMs?: number;
  /**
   * Largest body `text()` reads (a non-streamed answer or an error body), in bytes; unlimited
   * when omitted. Past it the read stops at once, the socket is closed, and `text()` rejects
   * with ResponseTooLargeError: nothing beyond the limit is buffered. Streamed bodies (`body`)
   * are passed on chunk by chunk and not limited here.
   */
  maxResponseBytes?: number;
  /** Named in the error when the limit is hit (e.g. the config setting that sets it). */
  maxResponseSetting?: string;
}

/**
 * The production transport: one undici Agent, i.e. a keep-alive pool per origin, so a busy
 * gateway reuses warm TCP+TLS connections instead of a handshake per request. undici's
 * `request()` is used rather than global fetch, which adds WHATWG stream and Headers overhead
 * on the hot path. Pipelining stays at 1: LLM calls are long, and a slow answer must not hold
 * up the requests queued behind it on the same socket.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const limit: ResponseLimit | undefined =
    options.maxResponseBytes === undefined
      ? undefined
      : { bytes: options.maxResponseBytes, setting: options.maxResponseSetting };
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
      return toTransportResponse(response, url.origin, signal, limit);
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
  limit: ResponseLimit | undefined,
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
        if (limit === undefined) return await body.text();
        return await readLimited(response, limit, origin);
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

interface ResponseLimit {
  bytes: number;
  setting: string | undefined;
}

/**
 * Reads the whole body as UTF-8 unless it is larger than the limit: an announced length over it
 * is refused before reading, and a body without one is cut as soon as the bytes read pass it
 * (destroying the body closes the socket, so the upstream stops sending).
 */
async function readLimited(
  response: UndiciResponse,
  limit: ResponseLimit,
  origin: string,
): Promise<string> {
  const { body } = response;
  const announced = Number(response.headers["content-length"]);
  if (Number.isFinite(announced) && announced > limit.bytes) {
    body.destroy();
    throw new ResponseTooLargeError(origin, limit.bytes, limit.setting, announced);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit.bytes) {
      body.destroy();
      throw new ResponseTooLargeError(origin, limit.bytes, limit.setting);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total).toString("utf8");
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
