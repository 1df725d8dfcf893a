import { expect } from "vitest";
import type { HeldAnswerGateway } from "./held-answer-gateway.ts";
import { manage } from "./manage.ts";

/**
 * A request in flight at the turn of a key's "30s" budget window holds its whole bound (more
 * than the budget): it ends, and is charged, in the new window, so the new window must count
 * its hold. Before, the turn dropped it and the new window admitted as if nothing were running.
 */
export async function requestInFlightAcrossTheTurn(t: HeldAnswerGateway): Promise<void> {
  const { key } = await t.newKey({ max_budget: 1, budget_duration: "30s" });
  t.clock.advance(29_000); // 1 s before the window ends
  const seen = t.upstream.requests.length;
  const release = t.holdNextAnswer(900);
  const running = t.chat(key, 1000); // holds ~1.0: all of the budget
  await t.upstream.waitFor((requests) => requests.length === seen + 1);
  t.clock.advance(2000); // the next window
  const refused = await t.chat(key, 10);
  const body = (await refused.json()) as { error?: { type?: string } };
  expect(refused.status, JSON.stringify(body)).toBe(400);
  expect(body.error?.type).toBe("budget_exceeded");
  expect(t.upstream.requests.length).toBe(seen + 1);
  release();
  const done = await running;
  expect(done.status).toBe(200);
  await done.arrayBuffer();
  // It cost 0.91 in this window: the rest is free again.
  const after = await t.chat(key, 10);
  expect(after.status).toBe(200);
  expect(Number(after.headers.get("x-litellm-key-spend"))).toBeCloseTo(0.91, 6);
  await after.arrayBuffer();
  // The database counts it in the same window (its log ends when the ledger settled it): the
  // reset job's figure for the new window is the ledger's, and the identities it reloads seed
  // nothing twice.
  await t.gateway.gateway.budgets.flushSpendNow();
  await t.gateway.gateway.budgets.runResetsNow();
  const info = await manage<{ info: { spend: number } }>(
    t.gateway,
    t.gateway.masterKey,
    `/key/info?key=${key}`,
  );
  expect(Number(info.info.spend)).toBeCloseTo(0.913, 9);
  const next = await t.chat(key, 10);
  expect(Number(next.headers.get("x-litellm-key-spend"))).toBeCloseTo(0.913, 9);
  await next.arrayBuffer();
}

/**
 * A key's budget_duration set through the management API while a request runs that holds all of
 * its budget: the line's new window (replacing the one without an end) still counts that hold,
 * and its cost lands there. Before, replacing the window dropped the hold and the next request
 * was admitted.
 */
export async function durationChangedUnderARequestInFlight(t: HeldAnswerGateway): Promise<void> {
  const { key } = await t.newKey({ max_budget: 1 });
  const seen = t.upstream.requests.length;
  const release = t.holdNextAnswer(900);
  const running = t.chat(key, 1000); // holds ~1.0: all of the budget
  await t.upstream.waitFor((requests) => requests.length === seen + 1);
  await manage(t.gateway, t.gateway.masterKey, "/key/update", { key, budget_duration: "30s" });
  const refused = await t.chat(key, 10);
  const body = (await refused.json()) as { error?: { type?: string } };
  expect(refused.status, JSON.stringify(body)).toBe(400);
  expect(body.error?.type).toBe("budget_exceeded");
  expect(t.upstream.requests.length).toBe(seen + 1);
  release();
  const done = await running;
  expect(done.status).toBe(200);
  await done.arrayBuffer();
  const after = await t.chat(key, 10);
  expect(after.status).toBe(200);
  expect(Number(after.headers.get("x-litellm-key-spend"))).toBeCloseTo(0.91, 6);
  await after.arrayBuffer();
}
