import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientClosedError } from "./errors/client-closed-error.ts";
import type { PostCallOutcome } from "./hooks/router-hooks.ts";
import { Router } from "./router.ts";

// A caller that leaves while a deployment holds its request is charged for the prompt sent
// there (the upstream bills it); one gone before the attempt started sent nothing, and pays
// nothing. A real node:http upstream on 127.0.0.1 that never answers.

const PRICE = 0.001;
let origin = "";
let received = 0;
const hanging: ServerResponse[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  received++;
  req.resume();
  hanging.push(res);
});

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

const request = { model: "m", messages: [{ role: "user" as const, content: "hello there" }] };
const PROMPT_TOKENS = 42;

function router(outcomes: PostCallOutcome[], preCall?: () => Promise<void>): Router {
  return new Router({
    modelList: [
      {
        model_name: "m",
        litellm_params: {
          model: "openai/gpt-a",
          api_base: `${origin}/v1`,
          api_key: "sk-x",
          input_cost_per_token: PRICE,
          output_cost_per_token: PRICE,
        },
      },
    ],
    settings: { num_retries: 0 },
    countTokens: () => PROMPT_TOKENS,
    hooks: {
      ...(preCall === undefined ? {} : { preCall }),
      postCall: (_ctx, outcome) => {
        outcomes.push(outcome);
      },
    },
  });
}

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe("a caller that leaves before the answer", () => {
  it.each([false, true])(
    "is charged the prompt once the upstream has it (stream %s)",
    async (stream) => {
      const outcomes: PostCallOutcome[] = [];
      const r = router(outcomes);
      const caller = new AbortController();
      try {
        const before = received;
        const pending = r.chatCompletion({ ...request, stream }, { signal: caller.signal });
        await waitFor(() => received > before);
        caller.abort();
        await expect(pending).rejects.toBeInstanceOf(ClientClosedError);
        expect(outcomes).toHaveLength(1);
        expect(outcomes[0]).toMatchObject({
          status: "failure",
          usageEstimated: true,
          usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: 0 },
        });
        expect(outcomes[0]!.cost).toBeCloseTo(PROMPT_TOKENS * PRICE, 12);
      } finally {
        await r.close();
      }
    },
  );

  it("pays nothing when gone before the attempt began (nothing was sent)", async () => {
    const outcomes: PostCallOutcome[] = [];
    const caller = new AbortController();
    // The caller leaves while a hook (a budget check on Redis) is still running.
    const r = router(outcomes, async () => {
      caller.abort();
    });
    try {
      const before = received;
      await expect(r.chatCompletion(request, { signal: caller.signal })).rejects.toBeInstanceOf(
        ClientClosedError,
      );
      expect(received).toBe(before);
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]!.cost).toBeUndefined();
    } finally {
      await r.close();
    }
  });
});
