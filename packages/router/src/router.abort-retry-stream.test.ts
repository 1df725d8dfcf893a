import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TimeoutError } from "@org/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientClosedError } from "./errors/client-closed-error.ts";
import { completion, usage } from "./__fixtures__/fakes.ts";
import { Router } from "./router.ts";

/**
 * Issue 22's review of the CallAbort change (an attempt's abort is no longer an AbortController):
 * what router.abort-wiring.test.ts does not cover. A caller leaving mid-stream and a stream's idle
 * deadline still close the upstream connection; an attempt cut by its deadline leaves nothing
 * aborted for the retry or the fallback after it. A real node:http upstream on 127.0.0.1 and the
 * router's own undici transport.
 */

const COMPLETION = JSON.stringify(completion("hi", "gpt-a", usage(3, 1)));

const CHUNK = `data: ${JSON.stringify({
  id: "c1",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-a",
  choices: [{ index: 0, delta: { role: "assistant", content: "Hel" }, finish_reason: null }],
})}\n\n`;

/** Requests seen per path prefix, and the paths whose response was closed before it ended. */
const seen = new Map<string, number>();
const closed: string[] = [];
const open: ServerResponse[] = [];

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  req.on("end", () => {
    const url = req.url ?? "";
    const prefix = url.split("/")[1] ?? "";
    const count = (seen.get(prefix) ?? 0) + 1;
    seen.set(prefix, count);
    res.on("close", () => {
      if (!res.writableFinished) closed.push(url);
    });
    // "hang-once-*": the first request never answers, later ones do.
    if (prefix.startsWith("hang-once")) {
      if (count === 1) open.push(res);
      else res.writeHead(200, { "content-type": "application/json" }).end(COMPLETION);
      return;
    }
    // "stall-*": a streamed answer that sends one chunk and then nothing.
    if (prefix.startsWith("stall")) {
      open.push(res);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(CHUNK);
      return;
    }
    // "hang-*": never answers.
    if (prefix.startsWith("hang")) {
      open.push(res);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(COMPLETION);
  });
});

let origin = "";
beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  server.close();
});

function deployment(name: string, path: string) {
  return {
    model_name: name,
    litellm_params: { model: "openai/gpt-a", api_base: `${origin}/${path}/v1`, api_key: "sk-x" },
  };
}

const request = { model: "m", messages: [{ role: "user" as const, content: "hello" }] };

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("router attempts over the undici transport, after the CallAbort change", () => {
  it("a caller leaving mid-stream closes the upstream connection", async () => {
    const r = new Router({
      modelList: [deployment("m", "stall-client")],
      settings: { num_retries: 0 },
    });
    const caller = new AbortController();
    try {
      const result = await r.chatCompletion(
        { ...request, stream: true },
        { signal: caller.signal },
      );
      expect(result.kind).toBe("stream");
      if (result.kind !== "stream") return;
      const parts = result.parts[Symbol.asyncIterator]();
      const first = await parts.next();
      expect(first.done).toBe(false);
      const next = parts.next();
      caller.abort();
      await expect(next).rejects.toBeInstanceOf(ClientClosedError);
      await waitFor(() => closed.some((url) => url.startsWith("/stall-client")));
    } finally {
      await r.close();
    }
  });

  it("a stream idle past stream_timeout fails with a TimeoutError and closes the upstream", async () => {
    const r = new Router({
      modelList: [deployment("m", "stall-idle")],
      settings: { num_retries: 0, stream_timeout: 0.3 },
    });
    try {
      const result = await r.chatCompletion({ ...request, stream: true });
      if (result.kind !== "stream") throw new Error(`expected a stream, got ${result.kind}`);
      const parts = result.parts[Symbol.asyncIterator]();
      expect((await parts.next()).done).toBe(false);
      await expect(parts.next()).rejects.toBeInstanceOf(TimeoutError);
      await waitFor(() => closed.some((url) => url.startsWith("/stall-idle")));
    } finally {
      await r.close();
    }
  });

  it("a retry after an attempt cut by its deadline is not born aborted", async () => {
    const r = new Router({
      modelList: [deployment("m", "hang-once-retry")],
      settings: { num_retries: 1, timeout: 0.3, retry_after: 0 },
    });
    const caller = new AbortController(); // the caller stays: only the first attempt is cut
    try {
      const result = await r.chatCompletion(request, { signal: caller.signal });
      expect(result.kind === "response" && result.completion.choices[0]?.message.content).toBe(
        "hi",
      );
      expect(seen.get("hang-once-retry")).toBe(2);
      await waitFor(() => closed.some((url) => url.startsWith("/hang-once-retry")));
    } finally {
      await r.close();
    }
  });

  it("a fallback after a deadline answers, with and without a caller's signal", async () => {
    const r = new Router({
      modelList: [deployment("m", "hang-fallback"), deployment("backup", "ok-fallback")],
      settings: { num_retries: 0, timeout: 0.3, fallbacks: [{ m: ["backup"] }] },
    });
    try {
      const plain = await r.chatCompletion(request);
      expect(plain.kind === "response" && plain.completion.choices[0]?.message.content).toBe("hi");
      const caller = new AbortController();
      const again = await r.chatCompletion(request, { signal: caller.signal });
      expect(again.kind === "response" && again.completion.choices[0]?.message.content).toBe("hi");
      expect(seen.get("hang-fallback")).toBe(2);
      expect(seen.get("ok-fallback")).toBe(2);
      await waitFor(() => closed.filter((url) => url.startsWith("/hang-fallback")).length === 2);
    } finally {
      await r.close();
    }
  });
});
