import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A V8 profile frame's position, as `node --cpu-prof` writes it (0-based line and column). */
export interface FramePosition {
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/**
 * The gateway runs compiled into one module (apps/gateway/dist/server.mjs), so V8's profile
 * places all our functions in that file. This maps a frame in a bundle back to its TypeScript
 * source through the bundle's linked source map (esbuild writes `<file>.map`), so profiles are
 * grouped by package and show `packages/core/src/...:line` as under tsx. Frames elsewhere, or
 * without a map entry, are returned unchanged; `mapped` says which.
 */
export function bundleFrameMapper(): (frame: FramePosition) => FramePosition & { mapped: boolean } {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (maps.has(url)) return maps.get(url)!;
    let map: SourceMap | null = null;
    const file = fileURLToPath(url);
    if (existsSync(`${file}.map`)) {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    }
    maps.set(url, map);
    return map;
  };
  return (frame) => {
    if (!frame.url.startsWith("file://") || !frame.url.endsWith(".mjs")) {
      return { ...frame, mapped: false };
    }
    const map = mapOf(frame.url);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (!entry || !("originalSource" in entry) || !entry.originalSource) {
      return { ...frame, mapped: false };
    }
    // esbuild writes sources relative to the map file's folder.
    const source = entry.originalSource.startsWith("file://")
      ? entry.originalSource
      : pathToFileURL(resolve(dirname(fileURLToPath(frame.url)), entry.originalSource)).href;
    return {
      url: source,
      lineNumber: entry.originalLine,
      columnNumber: entry.originalColumn,
      mapped: true,
    };
  };
}
