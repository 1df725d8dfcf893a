import { modelNameProblem } from "@org/core";
import { z } from "zod";
import { parseBudgetDuration } from "@org/budgets";

/**
 * What the database columns (packages/db/src/schema) can hold, written once, and the zod
 * primitives every management schema builds its fields from. A value outside these bounds would
 * otherwise reach PostgreSQL and come back as an internal error (22001, 22003, 22021, 22P05,
 * 54000, 22008); here it is a 400 naming the field.
 */
export const COLUMN_LIMITS = {
  /**
   * Characters of any text column. Ids, aliases, emails and model names are btree-indexed, and a
   * btree row holds at most 2,704 bytes: 512 characters are at most 2,048 UTF-8 bytes.
   */
  textChars: 512,
  /** money columns are numeric(20, 10): ten integer digits, so values below 10^10. */
  moneyBelow: 1e10,
  /** integer columns (max_parallel_requests). */
  int32Max: 2_147_483_647,
  /** bigint columns (rpm_limit, tpm_limit), as far as a JS number counts exactly. */
  int64Max: Number.MAX_SAFE_INTEGER,
  /** Entries of a list column (models, tags, routes, ...). */
  listItems: 1_000,
  /** jsonb values (metadata, config, permissions, model_info, ...): nesting and size. */
  jsonDepth: 32,
  jsonChars: 256 * 1024,
  /**
   * Longest duration (key `duration`, `budget_duration`): 100 years keeps every computed expiry
   * and reset time inside timestamptz and JavaScript dates.
   */
  durationMaxMs: 100 * 366 * 86_400_000,
  /** Dates given as text (budget_reset_at, spend report ranges): years PostgreSQL and JS share. */
  minYear: 1,
  maxYear: 9999,
} as const;

// A NUL cannot be stored in text or jsonb; a lone surrogate is not UTF-8 at all (jsonb refuses
// it and text silently turns it into U+FFFD).
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as it is, or undefined when it can. */
export function textProblem(value: string): string | undefined {
  if (NUL.test(value)) return "must not contain NUL characters (\\u0000)";
  if (LONE_SURROGATE.test(value)) return "must not contain unpaired surrogates (invalid UTF-16)";
  return undefined;
}

/** A text column: at most `max` characters, no NUL, no lone surrogate. */
export function boundedText(max: number = COLUMN_LIMITS.textChars) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** An id or other required name: bounded text, not empty. */
export const idText = () => boundedText().min(1, "must not be empty");

/** A list column of bounded strings. */
export const textList = () =>
  z
    .array(boundedText())
    .max(COLUMN_LIMITS.listItems, `must have at most ${COLUMN_LIMITS.listItems} entries`);

/** A money column (numeric(20, 10)): a non-negative amount below 10^10. */
export const money = () =>
  z.number().nonnegative().lt(COLUMN_LIMITS.moneyBelow, "must be less than 10000000000 (10^10)");

/** A signed amount stored in jsonb but added to money columns later (temp_budget_increase). */
export const signedMoney = () =>
  z
    .number()
    .gt(-COLUMN_LIMITS.moneyBelow, "must be greater than -10000000000 (-10^10)")
    .lt(COLUMN_LIMITS.moneyBelow, "must be less than 10000000000 (10^10)");

/** An integer column (max_parallel_requests). */
export const int32 = () =>
  z
    .number()
    .int()
    .nonnegative()
    .max(COLUMN_LIMITS.int32Max, `must be at most ${COLUMN_LIMITS.int32Max}`);

/** A bigint column (rpm_limit, tpm_limit) and per-model limits. */
export const int64 = () =>
  z
    .number()
    .int()
    .nonnegative()
    .max(COLUMN_LIMITS.int64Max, `must be at most ${COLUMN_LIMITS.int64Max}`);

const UNIT_MS = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mo: 31 * 86_400_000,
};

/** LiteLLM's duration text ("30s", "1h", "30d", "1mo"), at most 100 years. */
export const durationText = () =>
  z
    .string()
    .max(32, "must be at most 32 characters")
    .superRefine((value, ctx) => {
      const parsed = parseBudgetDuration(value);
      if (typeof parsed === "string") {
        ctx.addIssue({
          code: "custom",
          message: 'use a number followed by s, m, h, d, w or mo (e.g. "30s", "1h", "30d", "1mo")',
        });
      } else if (parsed.value * UNIT_MS[parsed.unit] > COLUMN_LIMITS.durationMaxMs) {
        ctx.addIssue({ code: "custom", message: "must be at most 100 years (36600d)" });
      }
    });

/** A date as text, within the years both PostgreSQL and JavaScript represent. */
export const dateText = () =>
  z
    .string()
    .max(64, "must be at most 64 characters")
    .refine(
      (v) => {
        const time = Date.parse(v);
        if (Number.isNaN(time)) return false;
        const year = new Date(time).getUTCFullYear();
        return year >= COLUMN_LIMITS.minYear && year <= COLUMN_LIMITS.maxYear;
      },
      { message: "not a date between the years 1 and 9999" },
    );

/**
 * Why a JSON value cannot be stored in a jsonb column, or undefined when it can: deeper than
 * `jsonDepth`, longer than `jsonChars` once serialized, a NUL or lone surrogate in a key or a
 * string, a `__proto__` key, or a non-finite number. Walked without recursion, so no depth of
 * input can overflow the stack here.
 */
export function jsonProblem(value: unknown): string | undefined {
  const { jsonDepth, jsonChars } = COLUMN_LIMITS;
  const stack: Array<[unknown, number]> = [[value, 0]];
  let chars = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node === "string") {
      chars += node.length + 2;
      const problem = textProblem(node);
      if (problem) return `a string ${problem}`;
    } else if (typeof node === "number") {
      if (!Number.isFinite(node)) return "numbers must be finite";
      chars += 24;
    } else if (node === null || typeof node === "boolean" || node === undefined) {
      chars += 5;
    } else if (typeof node === "object") {
      if (depth >= jsonDepth) return `must not be nested deeper than ${jsonDepth} levels`;
      chars += 2;
      if (Array.isArray(node)) {
        for (const item of node) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(node)) {
          if (key === "__proto__") return "must not contain a __proto__ key";
          const problem = textProblem(key);
          if (problem) return `a key ${problem}`;
          chars += key.length + 4;
          stack.push([item, depth + 1]);
        }
      }
    } else {
      return "must be JSON";
    }
    if (chars > jsonChars) return `must be at most ${jsonChars} characters as JSON`;
  }
  return undefined;
}

/** A jsonb object column (metadata, config, permissions, model_info, model_max_budget). */
export const jsonObject = () =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problem = jsonProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A jsonb map of bounded strings (aliases, model_aliases). */
export const textMap = () =>
  z
    .record(boundedText(), boundedText())
    .refine((v) => Object.keys(v).length <= COLUMN_LIMITS.listItems, {
      message: `must have at most ${COLUMN_LIMITS.listItems} entries`,
    });

/** Per-model limits kept in jsonb (model_rpm_limit, model_tpm_limit). */
export const limitMap = () =>
  z.record(boundedText(), int64()).refine((v) => Object.keys(v).length <= COLUMN_LIMITS.listItems, {
    message: `must have at most ${COLUMN_LIMITS.listItems} entries`,
  });

/** A model name (model_name of /model/new and of the config's model_list). */
export const modelName = () =>
  z.string().superRefine((value, ctx) => {
    const problem = modelNameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A number, or a numeric string (LiteLLM's pydantic reads "5" as 5), and why it is not. */
function amountProblem(value: unknown, integer: boolean): string | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return "must be a number";
  if (n < 0) return "must not be negative";
  if (integer && (!Number.isInteger(n) || n > COLUMN_LIMITS.int64Max))
    return `must be a whole number at most ${COLUMN_LIMITS.int64Max}`;
  if (!integer && n >= COLUMN_LIMITS.moneyBelow) return "must be less than 10000000000 (10^10)";
  return undefined;
}

const BUDGET_FIELDS = ["budget_limit", "max_budget"] as const;
const PERIOD_FIELDS = ["time_period", "budget_duration"] as const;
const RATE_FIELDS = ["rpm_limit", "tpm_limit"] as const;

/** Why one model's `model_max_budget` entry is not a limit the budgets can read, or undefined. */
function modelBudgetProblem(raw: unknown): { path: string[]; message: string } | undefined {
  if (typeof raw === "number" || typeof raw === "string") {
    const problem = amountProblem(raw, false);
    return problem ? { path: [], message: problem } : undefined;
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return { path: [], message: 'must be an amount or {"budget_limit", "time_period"}' };
  const entry = raw as Record<string, unknown>;
  const given = (name: string) => entry[name] !== undefined && entry[name] !== null;
  for (const name of [...BUDGET_FIELDS, ...RATE_FIELDS]) {
    if (!given(name)) continue;
    const problem = amountProblem(entry[name], (RATE_FIELDS as readonly string[]).includes(name));
    if (problem) return { path: [name], message: problem };
  }
  for (const name of PERIOD_FIELDS) {
    if (!given(name)) continue;
    if (!durationText().safeParse(entry[name]).success)
      return { path: [name], message: 'use a duration such as "30s", "1h", "30d" or "1mo"' };
  }
  if (![...BUDGET_FIELDS, ...RATE_FIELDS].some(given))
    return { path: [], message: "must set budget_limit (or max_budget), rpm_limit or tpm_limit" };
  return undefined;
}

/**
 * `model_max_budget`: per model, an amount or LiteLLM's budget object. The budgets read only
 * numbers (and numeric strings) and known durations there; anything else (a negative amount, "5$",
 * "garbage" as time_period, an object naming no limit) was stored and then limited nothing, or
 * limited for life instead of per window.
 */
export const modelBudgetMap = () =>
  jsonObject().superRefine((value, ctx) => {
    for (const [model, raw] of Object.entries(value)) {
      const problem = modelBudgetProblem(raw);
      if (problem)
        ctx.addIssue({ code: "custom", path: [model, ...problem.path], message: problem.message });
    }
  });

/** Metadata entries the budgets read as per-model rates (LiteLLM keeps them in a key's metadata). */
const RATE_METADATA = ["model_rpm_limit", "model_tpm_limit"] as const;

/** A key's metadata: its per-model rate entries, when set, are rate maps like the top-level fields. */
export const keyMetadata = () =>
  jsonObject().superRefine((value, ctx) => {
    for (const name of RATE_METADATA) {
      const rates = value[name];
      if (rates === undefined || rates === null) continue;
      const parsed = limitMap().safeParse(rates);
      if (!parsed.success)
        ctx.addIssue({
          code: "custom",
          path: [name, ...(parsed.error.issues[0]?.path ?? []).map(String)],
          message: parsed.error.issues[0]?.message ?? "must map model names to whole numbers",
        });
    }
  });
