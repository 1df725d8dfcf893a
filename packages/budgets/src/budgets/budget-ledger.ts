import type { MaybePromise } from "../util/maybe-promise.ts";
import type { BudgetLine } from "./budget-line.ts";

export interface ReserveInput {
  /**
   * The reservation's id (the request's call id); settling and expiry find the hold by it. Unique
   * per request, never a client-chosen id (the gateway uses its own UUID): the Redis ledger takes
   * a reserve or settle with an id it has seen in the last minute for a re-send, and does nothing.
   */
  readonly id: string;
  /** Every budget the request is charged against. */
  readonly lines: readonly BudgetLine[];
  /** The estimated cost (USD) held against each line until the request settles. */
  readonly amount: number;
  readonly now: number;
}

/** A hold on every line of a request, released or converted into spend by `settle`. */
export interface Reservation {
  readonly id: string;
  readonly lines: readonly BudgetLine[];
  readonly amount: number;
}

export type ReserveResult =
  | {
      readonly ok: true;
      readonly reservation: Reservation;
      /**
       * Each line's settled spend before this hold, in `lines` order: read in the same step as
       * the check, so the gateway's `x-litellm-key-spend` costs no extra round trip.
       */
      readonly spends: readonly number[];
    }
  /** The first line that refused: its settled spend and what requests in flight hold. */
  | {
      readonly ok: false;
      readonly line: BudgetLine;
      readonly spend: number;
      readonly reserved: number;
    };

/** Each line's spend before and after the settled cost (soft-budget crossings are read off it). */
export interface SettledLine {
  readonly line: BudgetLine;
  readonly before: number;
  readonly after: number;
}

export interface LineState {
  readonly spend: number;
  readonly reserved: number;
}

/**
 * The spend of every budget line in its current window, plus holds for requests in flight.
 *
 * Policy (LiteLLM's admission rule made atomic): a request is admitted when, on every one of its
 * lines, settled spend plus what requests in flight hold is still below the line's max budget;
 * then its estimated cost is held on all of them, in one step, so concurrent requests see each
 * other's holds. The check and the holds happen together for all lines or for none. A line's
 * spend therefore never ends above its limit by more than one request's cost (the last one
 * admitted), provided costs stay within their estimates.
 *
 * Holds expire by themselves (default 10 min) so an instance that dies mid-request does not pin a
 * budget. Windows (`budget_duration`) are part of each line's state: a request in a new window
 * starts the line over from its seed, and nothing has to run at the reset time.
 */
export interface BudgetLedger {
  reserve(input: ReserveInput): MaybePromise<ReserveResult>;
  /**
   * Converts the hold into spend: releases the estimate, adds `cost` (0 for a failed request that
   * cost nothing). Idempotent per reservation for the release; call it once.
   */
  settle(reservation: Reservation, cost: number, now: number): MaybePromise<readonly SettledLine[]>;
  /** A line's current spend and holds. */
  read(line: BudgetLine, now: number): MaybePromise<LineState>;
  /** Drops lines so their next use starts again from the database's spend (their owner is gone). */
  forget(lineIds: readonly string[]): MaybePromise<void>;
  /**
   * An admin set these lines' spend: each line the ledger has counts from it in its current
   * window, its holds kept (a line it does not have starts from the database, which has it).
   * Not a `forget`: a request in flight, or one on an instance whose cached identity still
   * carries the old spend, would open the line again from the old spend it was admitted with,
   * and the admin's figure would be lost for the rest of the window.
   */
  setSpend(
    figures: readonly { readonly lineId: string; readonly spend: number }[],
  ): MaybePromise<void>;
  close(): Promise<void>;
}

/** Default lifetime of a hold whose request never settled (its instance died). */
export const DEFAULT_HOLD_TTL_MS = 10 * 60_000;
/** Default time an untouched line is kept before it is re-seeded from the database. */
export const DEFAULT_IDLE_TTL_MS = 24 * 60 * 60_000;

/**
 * How far ahead of a request's clock a line's window may have been opened and still be taken as
 * the later window the request counts in (see the ledgers' `open`): clocks a few ms to minutes
 * apart and commands delayed by a reconnect are within it. Beyond it the opener's clock is taken
 * for wrong (a day ahead, a bad RTC), and the line is the asker's window again as before: kept,
 * one bad clock would hold every line it touched in its far window, a daily budget spent today
 * refused until the end of tomorrow. A window can so outlast its end by at most this much.
 */
export const MAX_OPENER_LEAD_MS = 10 * 60_000;
