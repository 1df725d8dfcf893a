import type { z } from "zod";
import type { ConfigIssue } from "./config-error.ts";
import { formatPath } from "./yaml-path.ts";

// Values under these names may be credentials; an error message must never echo them.
const SECRET_NAME = /(key|password|secret|credentials?|_token|url)$/i;

/**
 * Turns zod issues into `<yaml.path>: <what is wrong>` lines, with the offending value when it
 * is safe to show (`rpm: expected number, received string ("lots")`).
 */
export function toConfigIssues(
  error: z.ZodError,
  lineOf?: (path: ReadonlyArray<PropertyKey>) => number | undefined,
): ConfigIssue[] {
  return error.issues.map((issue) => {
    const line = lineOf?.(issue.path);
    return {
      path: formatPath(issue.path),
      message: describe(issue),
      ...(line !== undefined ? { line } : {}),
    };
  });
}

function describe(issue: z.core.$ZodIssue): string {
  // zod speaks JSON ("record", "array"); users are reading YAML.
  let message = issue.message
    .replace(/^(Invalid input|Too small|Too big): /, "")
    .replace(/\b(record|object)\b/g, "mapping")
    .replace(/\barray\b/g, "list");
  const input: unknown = "input" in issue ? issue.input : undefined;
  if (issue.code === "invalid_type" && input === undefined && message.startsWith("expected ")) {
    return `is required (${message.replace(/, received undefined$/, "")})`;
  }
  if (issue.code === "invalid_value" && message.startsWith("Invalid option: ")) {
    message = message.replace(/^Invalid option: /, "");
  }
  const last = issue.path[issue.path.length - 1];
  const showable = input === null || ["string", "number", "boolean"].includes(typeof input);
  const secret = typeof last === "string" && SECRET_NAME.test(last) && !last.includes("cost");
  if (showable && !secret) {
    message += ` (got ${JSON.stringify(input)})`;
  }
  return message;
}
