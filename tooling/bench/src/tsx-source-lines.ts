import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * tsx runs TypeScript as whitespace-minified one-line modules, so V8's profile places every
 * function at line 1 of its file. tsx keeps each transform with its source map in a cache under
 * the OS temp dir; this maps a profile position back to the TypeScript line through that map.
 * Best effort: with no cache entry (or a changed file) the caller keeps the raw position.
 */
export type SourceLineLookup = (file: string, line: number, column: number) => number | undefined;

interface CachedTransform {
  mtimeMs: number;
  mappings: string;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes one segment's base64 VLQ fields. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Generated (line, column) -> original line (1-based), by the last segment at or before it. */
function lookupLine(mappings: string, line: number, column: number): number | undefined {
  let sourceLine = 0;
  let best: number | undefined;
  const lines = mappings.split(";");
  for (let generatedLine = 0; generatedLine < lines.length; generatedLine += 1) {
    let generatedColumn = 0;
    for (const segment of lines[generatedLine]!.split(",")) {
      if (!segment) continue;
      const fields = decodeSegment(segment);
      generatedColumn += fields[0] ?? 0;
      if (fields.length >= 4) sourceLine += fields[2]!;
      if (generatedLine === line && generatedColumn <= column && fields.length >= 4)
        best = sourceLine + 1;
    }
    if (generatedLine >= line) break;
  }
  return best;
}

export function tsxSourceLines(): SourceLineLookup {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  const dir = join(tmpdir(), `tsx-${uid}`);
  const newest = new Map<string, CachedTransform>();
  try {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      try {
        const mtimeMs = statSync(file).mtimeMs;
        const cached = JSON.parse(readFileSync(file, "utf8")) as {
          map?: { sources?: string[]; mappings?: string };
        };
        const source = cached.map?.sources?.[0];
        const mappings = cached.map?.mappings;
        if (!source || !mappings) continue;
        const previous = newest.get(source);
        if (!previous || previous.mtimeMs < mtimeMs) newest.set(source, { mtimeMs, mappings });
      } catch {
        // not a transform cache entry
      }
    }
  } catch {
    // no cache: positions stay raw
  }
  return (file, line, column) => {
    const cached = newest.get(file);
    return cached ? lookupLine(cached.mappings, line, column) : undefined;
  };
}
