import type { Server } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Requests Node's HTTP parser refuses before any route sees them (headers over the size limit,
 * a malformed request line or header, an invalid URL) get an OpenAI-style JSON error, like every
 * other refusal, instead of Node's bare `431` / `400` with an empty body. The route is unknown
 * at this point (the request was never parsed), so the envelope is OpenAI's, which both SDKs
 * read as an API error.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    const status = tooLarge ? 431 : 400;
    const message = tooLarge
      ? "Request header fields too large (the request line and headers together exceed the server's limit)"
      : "Malformed HTTP request";
    const body = JSON.stringify({
      error: { message, type: "invalid_request_error", param: null, code: String(status) },
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
        "content-type: application/json\r\n" +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        "connection: close\r\n\r\n" +
        body,
    );
  });
}
