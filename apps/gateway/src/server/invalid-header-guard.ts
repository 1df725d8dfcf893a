import { STATUS_CODES, type Server, type ServerResponse } from "node:http";
import type { Logger } from "@org/observability";

/** Node's codes for a header name or value it refuses to write. */
const HEADER_ERROR_CODES = new Set([
  "ERR_INVALID_CHAR",
  "ERR_HTTP_INVALID_HEADER_VALUE",
  "ERR_INVALID_HTTP_TOKEN",
]);

const BODY = JSON.stringify({
  error: {
    message: "Internal server error: the response carried a header value that cannot be sent",
    type: "internal_server_error",
    param: null,
    code: "invalid_response_header",
  },
});

/**
 * The last line of defence for response headers. Node checks header names and values more
 * strictly than the Fetch API does (control characters pass `Headers` but not `writeHead`), and
 * it checks them only when @hono/node-server writes the response: after the app's onError can
 * act. Left alone, that failure became a plain-text `500 OK` (node-server's fallback, with the
 * status text of the refused 200), or an unhandled rejection on its synchronous fast path.
 *
 * Here a refused `writeHead` is answered instead with a JSON 500 in OpenAI's envelope (and
 * logged); whatever node-server then tries to write for the refused response is dropped, and a
 * streamed body is cancelled when the response closes. Routes should never get here: values from
 * configs and clients are encoded where they are set (model-headers.ts, header-value.ts).
 */
export function answerInvalidHeadersAsJson(server: Server, logger: Logger): void {
  // Prepended: node-server's own listener may write the response synchronously.
  server.prependListener("request", (_req, res: ServerResponse) => {
    const writeHead = res.writeHead;
    res.writeHead = function guardedWriteHead(this: ServerResponse, ...args: unknown[]) {
      try {
        return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
      } catch (error) {
        if (!isHeaderError(error) || this.headersSent) throw error;
        logger.error("response refused by Node: a header name or value is invalid", {
          status: args[0],
          error: (error as Error).message,
        });
        answerJson500(this, writeHead);
        return this;
      }
    } as ServerResponse["writeHead"];
  });
}

function answerJson500(res: ServerResponse, writeHead: ServerResponse["writeHead"]): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  // writeHead keeps a status text set by the refused call ("OK"); say what this is.
  res.statusMessage = STATUS_CODES[500]!;
  writeHead.call(res, 500, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(BODY)),
  });
  const end = res.end.bind(res);
  // node-server goes on to write the refused response: swallow it. A write reports back-pressure
  // (false, and no "drain" ever comes), so a streamed body is not read further; node-server
  // cancels its reader when this response closes.
  res.write = ((...args: unknown[]) => {
    callbackOf(args)?.();
    return false;
  }) as ServerResponse["write"];
  res.end = ((...args: unknown[]) => {
    callbackOf(args)?.();
    return res;
  }) as ServerResponse["end"];
  end(BODY);
}

function callbackOf(args: unknown[]): (() => void) | undefined {
  const last = args[args.length - 1];
  return typeof last === "function" ? (last as () => void) : undefined;
}

function isHeaderError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && HEADER_ERROR_CODES.has(code);
}
