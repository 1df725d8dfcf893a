import type { GatewayError } from "../../errors/gateway-error.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { isRecord } from "../../util/is-record.ts";
import { mapOpenAIError } from "../openai/map-error.ts";
import {
  MistralErrorBodySchema,
  MistralValidationIssueSchema,
  type MistralValidationIssue,
} from "./wire-schemas.ts";

interface MistralErrorDetails {
  message: string;
  type: string | null;
  param: string | null;
  code: string | number | null;
}

/**
 * Reads any of Mistral's error shapes (see `MistralErrorBodySchema`) into OpenAI's envelope and
 * maps that with the OpenAI rules: 429 with retry-after, 5xx retryable, context-length and
 * content-policy messages recognised. Validation issues become `"<field path>: <msg>"` with the
 * first field as `param`. "Service tier capacity exceeded" is rate limiting whatever its status.
 */
export function mapMistralError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const details = readMistralError(response.body);
  if (details === undefined) return mapOpenAIError(response, deployment, "mistral");
  const status = /capacity exceeded/i.test(details.message) ? 429 : response.status;
  const body = JSON.stringify({ error: details });
  return mapOpenAIError({ ...response, status, body }, deployment, "mistral");
}

export function readMistralError(body: string): MistralErrorDetails | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = MistralErrorBodySchema.safeParse(parsed);
  if (!result.success) return undefined;
  const error = result.data;
  const issues = issuesOf(error.message) ?? issuesOf(error.detail);
  const message =
    issues !== undefined
      ? issues.map(describeIssue).join("; ")
      : typeof error.message === "string"
        ? error.message
        : typeof error.detail === "string"
          ? error.detail
          : undefined;
  if (message === undefined) return undefined;
  return {
    message,
    type: error.type ?? (issues !== undefined ? "invalid_request_error" : null),
    param: error.param ?? (issues?.[0] === undefined ? null : fieldPath(issues[0])),
    code: error.code ?? null,
  };
}

/** Validation issues from `[...]`, `{"detail":[...]}`, or either as a JSON string. */
function issuesOf(value: unknown): MistralValidationIssue[] | undefined {
  let candidate = value;
  if (typeof candidate === "string" && /^\s*[[{]/.test(candidate)) {
    try {
      candidate = JSON.parse(candidate);
    } catch {
      return undefined;
    }
  }
  if (isRecord(candidate)) candidate = candidate.detail;
  if (!Array.isArray(candidate) || candidate.length === 0) return undefined;
  const issues = candidate.flatMap((item: unknown) => {
    const issue = MistralValidationIssueSchema.safeParse(item);
    return issue.success ? [issue.data] : [];
  });
  return issues.length > 0 ? issues : undefined;
}

function fieldPath(issue: MistralValidationIssue): string {
  return (issue.loc ?? []).filter((part) => part !== "body").join(".");
}

function describeIssue(issue: MistralValidationIssue): string {
  const path = fieldPath(issue);
  const text = issue.msg ?? issue.type ?? "invalid";
  return path === "" ? text : `${path}: ${text}`;
}
