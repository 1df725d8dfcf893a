import { z } from "zod";

// LiteLLM validates with pydantic in lax mode, and `os.environ/VAR` always yields a string, so
// `rpm: "500"` and `timeout: os.environ/TIMEOUT` must work. These helpers accept numeric and
// boolean strings and reject everything else with the offending value in the message.

function numberFromString(value: unknown): unknown {
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value.trim());
    if (Number.isFinite(parsed)) return parsed;
  }
  return value;
}

// PyYAML reads YAML 1.1 booleans (yes/no/on/off); we parse YAML 1.2, where those stay strings.
const TRUE_WORDS = new Set(["true", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "no", "off"]);

function booleanFromString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

/** A non-negative integer such as rpm, tpm, num_retries. */
export const count = () =>
  z.preprocess(numberFromString, z.number().int("expected a whole number").min(0));

/** A number above zero: timeouts in seconds, sizes in megabytes. */
export const positive = () => z.preprocess(numberFromString, z.number().positive());

/** A non-negative number (cooldowns, costs, weights, thresholds). */
export const nonNegative = () => z.preprocess(numberFromString, z.number().min(0));

/** A number from 0 to 1, e.g. a similarity threshold. */
export const fraction = () => z.preprocess(numberFromString, z.number().min(0).max(1));

export const flag = () => z.preprocess(booleanFromString, z.boolean());

/** A TCP port; strings allowed because LiteLLM documents `redis_port` as a string. */
export const port = () =>
  z.preprocess(numberFromString, z.number().int("expected a whole number").min(1).max(65535));

/**
 * Values like `api_version: 2024.10` are numbers to a YAML parser but strings to the provider.
 */
export const text = () =>
  z.preprocess((value) => (typeof value === "number" ? String(value) : value), z.string());

/** A list of strings; a single string is taken as a one-item list. */
export const stringList = () =>
  z.preprocess((value) => (typeof value === "string" ? [value] : value), z.array(z.string()));

/**
 * An empty YAML section (`litellm_settings:` with every line commented out) parses as null;
 * LiteLLM treats that as "not set", so do we.
 */
export const section = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());
