import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TimeoutError } from "@org/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientClosedError } from "./errors/client-closed-error.ts";
import { completion, usage } from "./__fixtures__/fakes.ts";
import { Router } from "./router.ts";

/**
 * Issue 22: an attempt through @org/core's undici transport makes no AbortController (a
 * CallAbort stands in for it), and still tears the upstream connection down on a deadline and
 * when the caller leaves. A real node:http upstream on 127.0.0.1 and the router's own transport.
 */

const COMPLETION = JSON.stringify(completion("hi", "gpt-a", usage(3, 1)));

let origin = "";
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  req.on("end", () => {
    // "hang-*" models never answer: the call must be cut by the router's deadline or the caller.
    if (req.url?.startsWith("/hang")) {
      hanging.push(res);
      res.on("close", () => closed.push(req.url ?? ""));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(COMPLETION);
  });
});
const hanging: ServerResponse[] = [];
const closed: string[] = [];

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  server.close();
});

function router(apiPath: string, timeoutSeconds?: number): Router {
  return new Router({
    modelList: [
      {
        model_name: "m",
        litellm_params: { model: "openai/gpt-a", api_base: `${origin}${apiPath}`, api_key: "sk-x" },
      },
    ],
    settings: {
      num_retries: 0,
      ...(timeoutSeconds === undefined ? {} : { timeout: timeoutSeconds }),
    },
  });
}

const request = { model: "m", messages: [{ role: "user" as const, content: "hello" }] };

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("router attempts over the undici transport", () => {
  it("answer without making an AbortController, with or without a caller's signal", async () => {
    const r = router("/v1");
    const callerSignal = new AbortController().signal; // made before counting
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made++;
      }
    };
    try {
      const plain = await r.chatCompletion(request);
      const withSignal = await r.chatCompletion(request, { signal: callerSignal });
      expect(plain.kind === "response" && plain.completion.choices[0]?.message.content).toBe("hi");
      expect(withSignal.kind).toBe("response");
    } finally {
      globalThis.AbortController = Original;
      await r.close();
    }
    expect(made).toBe(0);
  });

  it("cut a call at its deadline: TimeoutError, and the upstream connection is closed", async () => {
    const r = router("/hang-deadline/v1", 0.3);
    try {
      await expect(r.chatCompletion(request)).rejects.toBeInstanceOf(TimeoutError);
      await waitFor(() => closed.some((url) => url.startsWith("/hang-deadline")));
    } finally {
      await r.close();
    }
  });

  it("cut a call when the caller leaves: ClientClosedError, and the upstream connection is closed", async () => {
    const r = router("/hang-client/v1");
    const caller = new AbortController();
    try {
      const pending = r.chatCompletion(request, { signal: caller.signal });
      const seen = hanging.length;
      await waitFor(() => hanging.length > seen);
      caller.abort();
      await expect(pending).rejects.toBeInstanceOf(ClientClosedError);
      await waitFor(() => closed.some((url) => url.startsWith("/hang-client")));
    } finally {
      await r.close();
    }
  });
});
