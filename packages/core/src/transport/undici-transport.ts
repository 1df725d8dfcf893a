import { Agent } from "undici";
import type { IncomingHttpHeaders } from "node:http";
import type { AbortLike } from "../call/call-abort.ts";
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

  const targets = new TargetCache();

  return {
    // undici's request() reads `aborted`/`reason` and adds/removes one "abort" listener: a
    // call's CallAbort does, without an AbortController per call.
    takesAbortLike: true,
    async send(request: UpstreamRequest, sendOptions: TransportOptions = {}) {
      const url = targets.get(request.url);
      const signal: AbortLike | undefined = sendOptions.signal;
      let response;
      try {
        response = await agent.request({
          origin: url.origin,
          path: url.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          signal: (signal as AbortSignal | undefined) ?? null,
          // undefined keeps undici's default (300 s); 0 would disable the timer. Set as plain
          // properties (undici reads undefined as unset): no object spreads per request.
          headersTimeout: sendOptions.headersTimeoutMs,
          bodyTimeout: sendOptions.bodyTimeoutMs,
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

interface Target {
  origin: string;
  path: string;
}

const MAX_CACHED_TARGETS = 256;

/**
 * Origin and path of each upstream URL, parsed once: a gateway calls the same few deployment
 * URLs over and over, and WHATWG URL parsing was a visible share of every send. Bounded, and
 * emptied when full (URLs are config, so it rarely is). An invalid URL throws as before.
 */
class TargetCache {
  readonly #targets = new Map<string, Target>();

  get(url: string): Target {
    let target = this.#targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      if (this.#targets.size >= MAX_CACHED_TARGETS) this.#targets.clear();
      this.#targets.set(url, target);
    }
    return target;
  }
}

function toTransportResponse(
  response: UndiciResponse,
  origin: string,
  signal: AbortLike | undefined,
  limit: ResponseLimit | undefined,
): TransportResponse {
  return new UndiciTransportResponse(response, origin, signal, limit);
}

/**
 * One answer. A class rather than an object literal of closures: its methods are shared, so a
 * response costs one allocation instead of four functions (issue 22).
 */
class UndiciTransportResponse implements TransportResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  // undici keeps its listener on the signal until the body closes, and destroys the body with
  // the signal's reason on abort: every pending or later read rejects at once.
  readonly signalEndsBody = true;
  readonly #response: UndiciResponse;
  readonly #origin: string;
  readonly #signal: AbortLike | undefined;
  readonly #limit: ResponseLimit | undefined;

  constructor(
    response: UndiciResponse,
    origin: string,
    signal: AbortLike | undefined,
    limit: ResponseLimit | undefined,
  ) {
    this.status = response.statusCode;
    this.headers = flattenHeaders(response.headers);
    this.#response = response;
    this.#origin = origin;
    this.#signal = signal;
    this.#limit = limit;
  }

  get body(): AsyncIterable<Uint8Array> {
    return { [Symbol.asyncIterator]: () => this.#chunks() };
  }

  async *#chunks(): AsyncGenerator<Uint8Array> {
    try {
      // Leaving this loop early (the caller stopped reading) destroys the undici body, which
      // closes the socket instead of returning a half-read one to the pool.
      for await (const chunk of this.#response.body) yield chunk as Uint8Array;
    } catch (error) {
      throw mapTransportError(error, this.#origin, this.#signal);
    }
  }

  async text(): Promise<string> {
    try {
      if (this.#limit === undefined) return await this.#response.body.text();
      return await readLimited(this.#response, this.#limit, this.#origin);
    } catch (error) {
      throw mapTransportError(error, this.#origin, this.#signal);
    }
  }

  async dump(): Promise<void> {
    try {
      await this.#response.body.dump();
    } catch {
      // Releasing a connection we no longer care about cannot fail the call.
    }
  }
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
function readLimited(
  response: UndiciResponse,
  limit: ResponseLimit,
  origin: string,
): Promise<string> {
  const { body } = response;
  const announced = Number(response.headers["content-length"]);
  if (Number.isFinite(announced) && announced > limit.bytes) {
    body.destroy();
    return Promise.reject(new ResponseTooLargeError(origin, limit.bytes, limit.setting, announced));
  }
  // Plain stream events rather than `for await`: Node's async iterator over a Readable costs a
  // promise per chunk and its own machinery, on every non-streamed answer.
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const settle = () => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit.bytes) {
        settle();
        // undici destroys with an abort error: heard here, or it would surface as uncaught.
        body.on("error", ignore);
        body.destroy();
        reject(new ResponseTooLargeError(origin, limit.bytes, limit.setting));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(Buffer.concat(chunks, total).toString("utf8"));
    };
    const onError = (error: unknown) => {
      settle();
      reject(error);
    };
    // Destroyed without an error (e.g. by undici itself): as `for await` does, a premature close.
    const onClose = () => {
      settle();
      reject(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    };
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
  });
}

function ignore(): void {}

/** Header names from undici are already lower-case; repeated headers join with ", ". */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  // for...in rather than Object.entries: no array of pairs per answer (issue 22).
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
