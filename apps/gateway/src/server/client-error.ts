import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { chatCompletionsFormat, InvalidRequestError, type InboundFormat } from "@org/core";

/**
 * Requests Node's HTTP parser refuses before any route sees them (headers over the size limit,
 * a malformed request line or header, an invalid URL) get an OpenAI-style JSON error, like every
 * other refusal, instead of Node's bare `431` / `400` with an empty body. The request was never
 * parsed, so the route is read from the request line when the parser kept it (`rawPacket`):
 * the envelope of the format served there (Anthropic's on the Messages paths).
 */
export function answerClientErrorsAsJson(
  server: Server,
  formatOfPath: (path: string) => Pick<InboundFormat, "errorBody"> = () => chatCompletionsFormat,
): void {
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
    const requestLine = (error as { rawPacket?: Buffer }).rawPacket
      ?.subarray(0, 2_048)
      .toString("latin1")
      .split("\r\n", 1)[0];
    const path = requestLine?.split(" ")[1]?.split("?")[0] ?? "";
    const refusal = new InvalidRequestError(message, { code: String(status) });
    const body = JSON.stringify(formatOfPath(path).errorBody(refusal));
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
        "content-type: application/json\r\n" +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        "connection: close\r\n\r\n" +
        body,
    );
  });
}
