import { serve as nodeServe } from "@hono/node-server";
import type { Server } from "node:http";
import type { Logger } from "@org/observability";
import type { InFlightTracker } from "../middleware/in-flight.ts";

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
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = nodeServe({ fetch: options.fetch, port: options.port, hostname: options.host }, () =>
      resolve(s as Server),
    ) as Server;
    s.once("error", reject);
  });
  // Keep-alive longer than typical client/LB idle timeouts avoids reset races.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  let shuttingDown: Promise<void> | undefined;
  const shutdown = () => {
    shuttingDown ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = options.inFlight.idle();
      const timedOut = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), options.drainTimeoutMs).unref(),
      );
      if ((await Promise.race([drained, timedOut])) === "timeout") {
        options.logger.warn("shutdown: drain timed out, closing remaining connections", {
          inFlight: options.inFlight.count,
        });
      }
      server.closeAllConnections();
      await closed;
    })();
    return shuttingDown;
  };
  return { server, port, shutdown };
}
