/**
 * Just enough of Dockerfile and .dockerignore syntax to check docker/ without Docker: one entry
 * per instruction (continuation lines joined, comments dropped), flags (`--chown=...`) apart
 * from arguments, and exec-form (JSON array) commands parsed.
 */
export interface Instruction {
  keyword: string;
  /** `--name=value` flags before the arguments. */
  flags: Record<string, string>;
  /** The arguments as written (shell form), flags removed. */
  args: string;
  /** The arguments as a list: the JSON array of exec form, else split on whitespace. */
  words: string[];
  /** True when the arguments were a JSON array (exec form). */
  exec: boolean;
}

export function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (pending !== "" && line.startsWith("#")) continue; // comments inside a continuation
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    logical.push(pending + line);
    pending = "";
  }
  if (pending !== "") logical.push(pending);
  return logical.map(parseInstruction);
}

/** A build stage: FROM's image, its `AS` name if any, and its instructions after FROM. */
export interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

export function dockerStages(instructions: readonly Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const step of instructions) {
    if (step.keyword === "FROM") {
      const [from, as, name] = step.words;
      stages.push({ from: from!, name: as?.toUpperCase() === "AS" ? name : undefined, steps: [] });
    } else stages.at(-1)?.steps.push(step);
  }
  return stages;
}

function parseInstruction(line: string): Instruction {
  const keyword = line.split(/\s+/)[0] ?? "";
  let rest = line.slice(keyword.length).trim();
  const flags: Record<string, string> = {};
  for (let match = /^--([a-z-]+)=(\S+)\s*/.exec(rest); match;) {
    flags[match[1]!] = match[2]!;
    rest = rest.slice(match[0].length);
    match = /^--([a-z-]+)=(\S+)\s*/.exec(rest);
  }
  // HEALTHCHECK [flags] CMD [...]: the command after CMD is what matters.
  const body = keyword.toUpperCase() === "HEALTHCHECK" ? rest.replace(/^CMD\s+/, "") : rest;
  const exec = body.startsWith("[");
  const words = exec ? (JSON.parse(body) as string[]) : body.split(/\s+/).filter(Boolean);
  return { keyword: keyword.toUpperCase(), flags, args: body, words, exec };
}

/** A .dockerignore's patterns, in order (`!` re-includes). */
export interface IgnoreRule {
  negate: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negate = line.startsWith("!");
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, "");
      return { negate, regex: globToRegex(pattern) };
    });
}

/**
 * Docker's rule: a path is excluded when the last pattern matching it, or one of its parent
 * folders, is not a `!` pattern. `*` and `?` stay inside one path segment, `**` spans any number.
 */
export function isIgnored(path: string, rules: readonly IgnoreRule[]): boolean {
  const segments = path.split("/");
  let ignored = false;
  for (const rule of rules) {
    for (let i = 1; i <= segments.length; i++) {
      if (rule.regex.test(segments.slice(0, i).join("/"))) {
        ignored = !rule.negate;
        break;
      }
    }
  }
  return ignored;
}

function globToRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (pattern.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
