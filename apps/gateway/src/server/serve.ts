import { serve as nodeServe } from "@hono/node-server";
import type { Server } from "node:http";
import { ServiceUnavailableError } from "@org/core";
import type { Logger } from "@org/observability";
import type { InFlightTracker } from "../middleware/in-flight.ts";
import { formatOfPath } from "../inference/inference-routes.ts";
import { answerClientErrorsAsJson } from "./client-error.ts";
import { answerInvalidHeadersAsJson } from "./invalid-header-guard.ts";

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, waits for in-flight requests and streams (bounded), then closes. */
  shutdown(): Promise<void>;
}

export interface ServeOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  port: number;
  host: string;
  inFlight: InFlightTracker;
  logger: Logger;
  drainTimeoutMs: number;
  /**
   * After the drain deadline: how long streams cut there get to send their error event and
   * journal their spend before the remaining connections are closed. Default 1000 ms.
   */
  cutGraceMs?: number;
}

const DEFAULT_CUT_GRACE_MS = 1000;

const wait = (ms: number) =>
  new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref());

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = nodeServe({ fetch: options.fetch, port: options.port, hostname: options.host }, () =>
      resolve(s as Server),
    ) as Server;
    s.once("error", reject);
  });
  answerClientErrorsAsJson(server, formatOfPath);
  answerInvalidHeadersAsJson(server, options.logger);
  // Keep-alive longer than typical client/LB idle timeouts avoids reset races.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  let shuttingDown: Promise<void> | undefined;
  // While shutting down, a connection whose response has been written out (to the OS) is closed
  // at once, so the last bytes of a drained or cut stream are never lost to a forced close.
  server.on("request", (_req, res) => {
    res.once("finish", () => {
      if (shuttingDown !== undefined) setImmediate(() => server.closeIdleConnections());
    });
  });
  const shutdown = () => {
    shuttingDown ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = options.inFlight.idle();
      const grace = options.cutGraceMs ?? DEFAULT_CUT_GRACE_MS;
      if ((await Promise.race([drained, wait(options.drainTimeoutMs)])) === "timeout") {
        // Streams still open end with an error event in their route's format (not a bare TCP
        // close) and are charged for what they delivered, then get a moment to send it.
        const cut = options.inFlight.cutStreams(
          new ServiceUnavailableError(
            "The gateway is shutting down: this stream was cut at the drain deadline",
          ),
        );
        options.logger.warn("shutdown: drain timed out, cutting streams and closing connections", {
          inFlight: options.inFlight.count,
          streamsCut: cut,
        });
        await Promise.race([options.inFlight.idle(), wait(grace)]);
      }
      server.closeIdleConnections();
      await Promise.race([closed, wait(grace)]);
      server.closeAllConnections();
      await closed;
    })();
    return shuttingDown;
  };
  return { server, port, shutdown };
}
