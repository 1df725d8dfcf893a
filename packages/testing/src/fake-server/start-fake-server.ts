import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { FakeResponse } from "./fake-response.ts";
import { flattenHeaders, parseJsonBody, type RecordedRequest } from "./recorded-request.ts";
import { respond, type ResponderLike } from "./responder.ts";
import { writeFakeResponse } from "./write-fake-response.ts";

export interface FakeServerOptions {
  /** Defaults to 0: a free port chosen by the OS, so tests can run in parallel. */
  port?: number;
  /**
   * Runs before the scripted queue and the default responder; returning a response short-cuts
   * both (without consuming the queue). Provider fakes use it for credential checks, since a real
   * upstream rejects a bad key whatever the test scripted.
   */
  authorize?: (req: RecordedRequest) => FakeResponse | undefined;
}

export interface FakeServer {
  /** `http://127.0.0.1:PORT`, no trailing slash: use it as a deployment's `api_base`. */
  readonly url: string;
  readonly port: number;
  /** Every request received since start or the last `reset()`, in order of arrival of the body. */
  readonly requests: readonly RecordedRequest[];
  /** Requests whose path (query included) starts with `pathPrefix`; all of them without one. */
  callCount(pathPrefix?: string): number;
  /** Answers the next requests, one responder each, in order, before falling back to the default. */
  enqueue(...responders: ResponderLike[]): void;
  /** Replaces the responder used when the queue is empty. */
  setDefault(responder: ResponderLike): void;
  /**
   * Resolves when `predicate` holds, re-checked whenever a request is recorded or marked aborted;
   * rejects after `timeoutMs` (default 5000).
   */
  waitFor(
    predicate: (requests: readonly RecordedRequest[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  /** Forgets recorded requests and the queue, and restores the default responder given at start. */
  reset(): void;
  /** Stops listening, cuts every connection (keep-alive and hanging ones) and cancels waits. */
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

/** Starts an HTTP fake upstream on 127.0.0.1 that answers with `handler` unless scripted otherwise. */
export async function startFakeServer(
  handler: ResponderLike,
  options: FakeServerOptions = {},
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queue: ResponderLike[] = [];
  let fallback = handler;
  const lifetime = new AbortController();
  const sockets = new Set<Socket>();
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const watcher of [...watchers]) watcher();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Socket errors after the client left are expected here; without listeners they would crash
    // the test process.
    req.on("error", () => {});
    res.on("error", () => {});

    const perRequest = new AbortController();
    const onShutdown = () => perRequest.abort();
    lifetime.signal.addEventListener("abort", onShutdown, { once: true });
    let closedByFake = false;
    const timestamp = Date.now();
    let clientAborted = false;
    let recorded: RecordedRequest | undefined;

    res.on("close", () => {
      lifetime.signal.removeEventListener("abort", onShutdown);
      if (!res.writableFinished && !closedByFake && !lifetime.signal.aborted) {
        clientAborted = true;
        if (recorded) {
          recorded.aborted = true;
          notify();
        }
      }
      perRequest.abort();
    });

    const chunks: Buffer[] = [];
    let bodyComplete = true;
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      bodyComplete = false;
    }
    if (lifetime.signal.aborted) return;
    const path = req.url ?? "/";
    const body = Buffer.concat(chunks).toString("utf8");
    recorded = {
      method: req.method ?? "GET",
      path,
      pathname: path.split("?", 1)[0] ?? path,
      headers: flattenHeaders(req.headers),
      body,
      json: parseJsonBody(body),
      timestamp,
      aborted: clientAborted,
    };
    requests.push(recorded);
    notify();
    if (!bodyComplete || perRequest.signal.aborted) return;

    let response: FakeResponse;
    try {
      const responder = options.authorize?.(recorded) ?? queue.shift() ?? fallback;
      response = await respond(responder, recorded, { signal: perRequest.signal });
    } catch (error) {
      if (perRequest.signal.aborted) return;
      // A broken responder is a bug in the test: make it loud in the response the test reads.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`fake-server responder threw: ${message}`);
      return;
    }
    if (perRequest.signal.aborted) return;
    await writeFakeResponse(res, response, perRequest.signal, () => {
      closedByFake = true;
    });
  };

  const server = createServer((req, res) => void handle(req, res));
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${HOST}:${port}`,
    port,
    requests,
    callCount: (pathPrefix) =>
      pathPrefix === undefined
        ? requests.length
        : requests.filter((r) => r.path.startsWith(pathPrefix)).length,
    enqueue: (...responders) => {
      queue.push(...responders);
    },
    setDefault: (responder) => {
      fallback = responder;
    },
    waitFor: (predicate, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate(requests)) return resolve();
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`fake-server waitFor: condition not met within ${timeoutMs} ms`));
        }, timeoutMs);
        function check() {
          if (!predicate(requests)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        }
        watchers.add(check);
      }),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      fallback = handler;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        lifetime.abort();
        server.close(() => resolve());
        // server.close() alone waits for open connections, including idle keep-alive ones and
        // hanging responses; cutting them makes close() (and the test) end at once.
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
