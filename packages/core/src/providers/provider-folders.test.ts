import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The per-provider file set written down in README.md: the same name for the same role in every
 * folder. This checks the names only; what each file does is the adapter tests' business.
 */
const PROVIDERS_DIR = fileURLToPath(new URL(".", import.meta.url));

/** Folders that are not providers. */
const NOT_PROVIDERS = new Set(["common", "__fixtures__"]);

/** Folders whose errors go through another provider's `map-error.ts`. */
const REUSES_ERROR_MAPPER: Readonly<Record<string, string>> = {
  "vertex-ai": "gemini",
  "openai-compatible": "openai",
  mock: "openai",
};

/** Names (without `.test`) once used for a fixed role, and where that role lives now. */
const ALTERNATIVE_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(chat-)?completion-id\.ts$/, "common/openai-ids.ts"],
  [/^response-identity\.ts$/, "common/openai-ids.ts"],
  [/-message-id\.ts$/, "common/openai-ids.ts"],
  [/^is-record\.ts$/, "util/is-record.ts"],
  [/^map-.+-error\.ts$/, "map-error.ts"],
  [/^normalize-finish-reason\.ts$/, "map-finish-reason.ts"],
  [/finish-reasons?\.ts$/, "map-finish-reason.ts"],
  [/^parse-.+-(completion|response)\.ts$/, "parse-response.ts"],
  [/^.+-stream-transformer\.ts$/, "stream-transformer.ts"],
  [/^.+-chunk-fixer\.ts$/, "stream-chunk-fixer.ts"],
  [/usage\.ts$/, "convert-usage.ts"],
  [/^.+-wire-schemas?\.ts$|^wire-schema\.ts$|^schemas\.ts$/, "wire-schemas.ts"],
  [/^resolve-endpoint\.ts$|^endpoint\.ts$/, "<name>-url.ts"],
  [/-auth\.ts$|^sign-request\.ts$/, "<name>-headers.ts"],
  [/^create-.+-adapter\.ts$|^(chat|embeddings?)-adapter\.ts$/, "<name>-chat-adapter.ts"],
  [/-embedding-adapter\.ts$/, "<name>-embeddings-adapter.ts"],
  [/^sanitize-.+-id\.ts$/, "tool-call-id.ts"],
  [/-params\.ts$/, "convert-request.ts"],
];

/** The fixed names themselves (some match an alternative's pattern). */
const FIXED_NAMES = new Set([
  "map-error.ts",
  "convert-request.ts",
  "parse-response.ts",
  "stream-transformer.ts",
  "stream-chunk-fixer.ts",
  "map-finish-reason.ts",
  "convert-usage.ts",
  "wire-schemas.ts",
  "convert-embedding-request.ts",
  "parse-embedding-response.ts",
  "tool-call-id.ts",
  // Lists of params a provider rejects, not a request builder.
  "unsupported-params.ts",
]);

/** What is wrong with one provider folder's top-level file names; empty when it follows the set. */
export function folderProblems(name: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const has = new Set(files);
  const required = ["index.ts", `${name}-provider.ts`, "README.md"];
  if (REUSES_ERROR_MAPPER[name] === undefined) required.push("map-error.ts");
  for (const file of required) if (!has.has(file)) problems.push(`${name}: missing ${file}`);

  for (const file of files) {
    const base = file.replace(/\.test\.ts$/, ".ts");
    if (!base.endsWith(".ts")) continue;
    if (FIXED_NAMES.has(base)) continue;
    for (const [pattern, role] of ALTERNATIVE_NAMES) {
      if (pattern.test(base)) problems.push(`${name}/${file}: that role's file is ${role}`);
    }
    // Per-provider names carry this folder's name: `<name>-url.ts`, not another's.
    const named = /^(.+)-(url|headers|provider|chat-adapter|embeddings-adapter)\.ts$/.exec(base);
    if (named !== null && named[1] !== name && isProviderName(named[1] ?? "")) {
      problems.push(`${name}/${file}: use ${name}-${named[2]}.ts`);
    }
  }
  return problems;
}

function isProviderName(prefix: string): boolean {
  return providerFolders().includes(prefix) || ["vertex", "google", "aws"].includes(prefix);
}

function providerFolders(): string[] {
  return readdirSync(PROVIDERS_DIR)
    .filter((entry) => !NOT_PROVIDERS.has(entry))
    .filter((entry) => statSync(join(PROVIDERS_DIR, entry)).isDirectory())
    .sort();
}

describe("provider folders", () => {
  it("finds the provider folders", () => {
    expect(providerFolders()).toEqual(
      expect.arrayContaining(["anthropic", "bedrock", "gemini", "openai", "vertex-ai"]),
    );
  });

  it.each(providerFolders())("%s follows the file set in README.md", (name) => {
    const files = readdirSync(join(PROVIDERS_DIR, name)).filter((file) =>
      statSync(join(PROVIDERS_DIR, name, file)).isFile(),
    );
    expect(folderProblems(name, files)).toEqual([]);
  });

  it("reports a missing required file and every known alternative name", () => {
    expect(folderProblems("acme", ["acme-provider.ts", "README.md"])).toEqual([
      "acme: missing index.ts",
      "acme: missing map-error.ts",
    ]);
    const legacy = [
      "completion-id.ts",
      "chat-completion-id.ts",
      "response-identity.ts",
      "is-record.ts",
      "map-acme-error.ts",
      "map-acme-error.test.ts",
      "normalize-finish-reason.ts",
      "parse-acme-completion.ts",
      "acme-stream-transformer.ts",
      "acme-chunk-fixer.ts",
      "resolve-endpoint.ts",
      "acme-auth.ts",
      "sign-request.ts",
      "create-acme-chat-adapter.ts",
      "embeddings-adapter.ts",
      "acme-embedding-adapter.ts",
      "sanitize-tool-use-id.ts",
      "acme-params.ts",
    ];
    const problems = folderProblems("acme", [
      "index.ts",
      "acme-provider.ts",
      "README.md",
      "map-error.ts",
      ...legacy,
    ]);
    for (const file of legacy) {
      expect(problems.some((problem) => problem.startsWith(`acme/${file}:`))).toBe(true);
    }
  });

  it("accepts the fixed names and free-named helpers", () => {
    expect(
      folderProblems("acme", [
        "index.ts",
        "acme-provider.ts",
        "README.md",
        "map-error.ts",
        "map-error.test.ts",
        "convert-request.ts",
        "parse-response.ts",
        "stream-transformer.ts",
        "stream-chunk-fixer.ts",
        "map-finish-reason.ts",
        "convert-usage.ts",
        "wire-schemas.ts",
        "acme-url.ts",
        "acme-headers.ts",
        "acme-chat-adapter.ts",
        "acme-embeddings-adapter.ts",
        "convert-embedding-request.ts",
        "parse-embedding-response.ts",
        "tool-call-id.ts",
        "convert-tools.ts",
        "lower-case-headers.ts",
      ]),
    ).toEqual([]);
  });

  it("rejects another provider's per-provider name", () => {
    expect(folderProblems("mistral", ["openai-url.ts"])).toContain(
      "mistral/openai-url.ts: use mistral-url.ts",
    );
  });
});
