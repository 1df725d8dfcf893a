/** One problem in the config, located by its YAML path (see formatPath). */
export interface ConfigIssue {
  /** `model_list[0].litellm_params.rpm`, or "(top level)". */
  path: string;
  message: string;
  /** 1-based line in the config file, when it could be located. */
  line?: number;
}

/**
 * The config cannot be used. The message lists every issue, one per line, as
 * `<path>: <what is wrong>` so a user can fix them all in one go instead of one per restart.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly source: string;
  readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[], summary = "invalid config") {
    const lines = issues.map(
      (issue) => `  - ${issue.path}: ${issue.message}${issue.line ? ` (line ${issue.line})` : ""}`,
    );
    super([`${summary} (${source}):`, ...lines].join("\n"));
    this.source = source;
    this.issues = issues;
  }
}
