import { LineCounter, parseDocument, type YAMLError } from "yaml";
import { ConfigError, type ConfigIssue } from "./config-error.ts";

export interface ParsedYaml {
  value: unknown;
  warnings: string[];
  /** 1-based line of the node at `path`, or of its nearest ancestor that exists. */
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

/**
 * Parses one YAML file. Syntax errors throw a ConfigError located by line and column.
 *
 * Duplicate keys are a warning, not an error: PyYAML (LiteLLM) silently keeps the last value,
 * so configs with duplicates run there today and must start here too, but the user should know.
 */
export function parseYaml(text: string, source: string): ParsedYaml {
  const lineCounter = new LineCounter();
  let document = parseDocument(text, { prettyErrors: true, lineCounter });
  const warnings: string[] = [];

  const duplicates = document.errors.filter((error) => error.code === "DUPLICATE_KEY");
  if (duplicates.length > 0 && duplicates.length === document.errors.length) {
    for (const error of duplicates) {
      const at = error.linePos?.[0];
      warnings.push(
        `${source}${at ? `:${at.line}:${at.col}` : ""}: duplicate key; the last value wins (as in LiteLLM)`,
      );
    }
    document = parseDocument(text, {
      prettyErrors: true,
      lineCounter: new LineCounter(),
      uniqueKeys: false,
    });
  }

  if (document.errors.length > 0) {
    throw new ConfigError(source, document.errors.map(toIssue), "cannot parse YAML");
  }
  for (const warning of document.warnings) warnings.push(`${source}: ${firstLine(warning)}`);

  return {
    value: document.toJS({ maxAliasCount: 1000 }),
    warnings,
    lineOf(path) {
      for (let depth = path.length; depth > 0; depth--) {
        const node: unknown = document.getIn(path.slice(0, depth), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lineCounter.linePos(range[0]).line;
      }
      return undefined;
    },
  };
}

function toIssue(error: YAMLError): ConfigIssue {
  const at = error.linePos?.[0];
  // prettyErrors appends " at line L, column C:" and a source excerpt; keep the excerpt, it
  // shows the user exactly where the parser gave up.
  const [headline = error.message, ...excerpt] = error.message.split("\n");
  const message = headline.replace(/ at line \d+, column \d+:?$/, "");
  return {
    path: at ? `line ${at.line}, column ${at.col}` : "(YAML)",
    message: [
      message,
      ...excerpt.filter((line) => line.trim() !== "").map((line) => `      ${line}`),
    ].join("\n"),
  };
}

function firstLine(error: YAMLError): string {
  return error.message.split("\n")[0] ?? error.message;
}
