import { expect } from "vitest";
import { json, openaiCompletion, openaiUsage } from "@org/testing";
import { manage } from "./manage.ts";
import type { HeldAnswerGateway } from "./held-answer-gateway.ts";

/**
 * An admin sets a key's spend to 0 while a request runs that was admitted with the key's old
 * spend (0.99 of 1, read from the database with its identity). Before, the update dropped the
 * ledger's line and the request's settle opened it again from the 0.99 it carried: the key was
 * refused ("Current cost: 1.01") while /key/info said 0.02, until the window ended (or a day,
 * without budget_duration).
 */
export async function adminSpendOverRequestInFlight(t: HeldAnswerGateway): Promise<void> {
  const { key } = await t.newKey({ max_budget: 1 });
  const update = (fields: Record<string, unknown>) =>
    manage(t.gateway, t.gateway.masterKey, "/key/update", { key, ...fields });
  t.upstream.enqueue(json(openaiCompletion({ usage: openaiUsage(10, 980) })));
  const first = await t.chat(key, 1000); // 0.99 of 1
  expect(first.status).toBe(200);
  await first.arrayBuffer();
  await t.gateway.gateway.budgets.flushSpendNow();
  // The key's identity read again: it carries the database's 0.99 as its spend.
  await update({ key_alias: "reloaded" });
  const seen = t.upstream.requests.length;
  const release = t.holdNextAnswer(10); // costs 0.02
  const running = t.chat(key, 10);
  await t.upstream.waitFor((requests) => requests.length === seen + 1);
  await update({ spend: 0 });
  release();
  const done = await running;
  expect(done.status).toBe(200);
  await done.arrayBuffer();
  // 0 + 0.02, not the 0.99 the request in flight was admitted with + 0.02.
  const next = await t.chat(key, 10);
  const body = (await next.json()) as { error?: unknown };
  expect(next.status, JSON.stringify(body)).toBe(200);
  expect(Number(next.headers.get("x-litellm-key-spend"))).toBeCloseTo(0.02, 9);
}
