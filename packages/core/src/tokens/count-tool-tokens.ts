import type { TiktokenEncodingName } from "./tiktoken-encodings.ts";
import { isRecord } from "../util/is-record.ts";

/**
 * What OpenAI adds around function definitions, per the method in OpenAI's cookbook ("How to
 * count tokens with tiktoken"): a fixed cost per function, per property list, per property and
 * per enum value, and once at the end. The constants are the cookbook's for the gpt-4o family
 * (o200k_base) and for gpt-4 / gpt-3.5 (cl100k_base).
 */
interface ToolOverhead {
  perFunction: number;
  perPropertyList: number;
  perProperty: number;
  perEnum: number;
  perEnumValue: number;
  end: number;
}

const OVERHEAD: Readonly<Record<TiktokenEncodingName, ToolOverhead>> = {
  o200k_base: {
    perFunction: 7,
    perPropertyList: 3,
    perProperty: 3,
    perEnum: -3,
    perEnumValue: 3,
    end: 12,
  },
  cl100k_base: {
    perFunction: 10,
    perPropertyList: 3,
    perProperty: 3,
    perEnum: -3,
    perEnumValue: 3,
    end: 12,
  },
};

type Count = (text: string) => number;

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** OpenAI drops a description's final period when it renders the definition. */
function trimPeriod(description: string): string {
  return description.endsWith(".") ? description.slice(0, -1) : description;
}

function schemaType(schema: Record<string, unknown>): string {
  const type = schema["type"];
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.filter((t) => typeof t === "string").join("|");
  return "";
}

/**
 * A property list: each property as `name:type:description`, enum values one by one. The
 * cookbook stops at the top level; nested objects and array items are counted the same way one
 * level down at a time (our approximation; OpenAI renders them as nested TypeScript-like types).
 */
function propertiesTokens(schema: Record<string, unknown>, count: Count, o: ToolOverhead): number {
  const properties = schema["properties"];
  if (!isRecord(properties) || Object.keys(properties).length === 0) return 0;
  let tokens = o.perPropertyList;
  for (const [name, raw] of Object.entries(properties)) {
    const property = isRecord(raw) ? raw : {};
    tokens += o.perProperty;
    const values = property["enum"];
    if (Array.isArray(values)) {
      tokens += o.perEnum;
      for (const value of values) tokens += o.perEnumValue + count(String(value));
    }
    tokens += count(`${name}:${schemaType(property)}:${trimPeriod(text(property["description"]))}`);
    tokens += propertiesTokens(property, count, o);
    const items = property["items"];
    if (isRecord(items)) tokens += propertiesTokens(items, count, o);
  }
  return tokens;
}

/**
 * Tokens for `tools` (`{type: "function", function: {...}}`) or the deprecated `functions`
 * (the function objects themselves). 0 when there are none.
 */
export function countToolTokens(
  tools: readonly unknown[] | undefined,
  count: Count,
  encoding: TiktokenEncodingName,
): number {
  if (tools === undefined || tools.length === 0) return 0;
  const o = OVERHEAD[encoding];
  let tokens = 0;
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    const fn = isRecord(tool["function"]) ? tool["function"] : tool;
    tokens += o.perFunction;
    tokens += count(`${text(fn["name"])}:${trimPeriod(text(fn["description"]))}`);
    const parameters = fn["parameters"];
    if (isRecord(parameters)) tokens += propertiesTokens(parameters, count, o);
  }
  return tokens + o.end;
}
