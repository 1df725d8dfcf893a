import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy in front of Redis that can lose one command's reply the way a network fault does:
 * the command reaches Redis and runs, then the client's connection is cut before the reply gets
 * back. ioredis then reconnects and re-sends the command (`autoResendUnfulfilledCommands`, on by
 * default), so the same script runs twice with the same arguments.
 */
export async function replyCuttingProxy(target: string) {
  const upstreamUrl = new URL(target);
  const sockets = new Set<Socket>();
  let cutNext: string | undefined;
  let cuts = 0;

  const server = createServer((client) => {
    const upstream = connect(Number(upstreamUrl.port || 6379), upstreamUrl.hostname);
    sockets.add(client);
    sockets.add(upstream);
    // After the cut nothing more goes either way on this connection: the reply is lost.
    let cutting = false;
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("data", (chunk: Buffer) => {
      if (cutting) return;
      if (cutNext !== undefined && chunk.includes(cutNext)) {
        cutNext = undefined;
        cutting = true;
        cuts++;
        // Long enough for Redis to run the command; its reply is dropped below.
        upstream.write(chunk, () => setTimeout(close, 100));
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!cutting) client.write(chunk);
    });
    client.on("close", close);
    upstream.on("close", close);
    client.on("error", close);
    upstream.on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(port);

  return {
    /** Connect the client under test here. */
    url: url.toString(),
    /** The next command whose bytes contain `marker` runs in Redis, and its reply is lost. */
    loseReplyOfNext(marker: string) {
      cutNext = marker;
    },
    /** How many replies were lost. */
    get cuts() {
      return cuts;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
