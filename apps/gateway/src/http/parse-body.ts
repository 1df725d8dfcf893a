import { InvalidRequestError } from "@org/core";
import type { z } from "zod";
import { invalidJsonError } from "./error-response.ts";

/**
 * Parses the JSON body once and validates it against a (loose) schema. A schema violation
 * names the first bad field in `param`, using OpenAI's dotted form (`messages[0].role`).
 */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.length === 0) throw invalidJsonError("the body is empty");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidJsonError((error as Error).message);
  }
  // JSON.parse takes any depth, but code after it recurses (serialising the upstream body
  // overflowed the stack at ~5,000 levels and came back as a retried 502).
  const problem = structureProblem(parsed, MAX_INFERENCE_JSON_DEPTH, false);
  if (problem) throw invalidJsonError(problem);
  return parsed;
}

/** Deepest nesting a management body may have; LiteLLM's bodies are a few levels deep. */
export const MAX_JSON_DEPTH = 64;
/**
 * Deepest nesting an inference body (chat, completions, responses, embeddings, messages) may
 * have. Deeper than any real request: a tool's JSON schema nests two levels per object
 * (`properties`, then the property), and OpenAI's strict schemas stop at 10 objects deep.
 */
export const MAX_INFERENCE_JSON_DEPTH = 128;

/**
 * Parses a management body: a JSON object no deeper than MAX_JSON_DEPTH and without `__proto__`
 * keys (JSON.parse keeps them as own properties, and any later copy by assignment would replace
 * an object's prototype). An empty body is `{}`: LiteLLM accepts e.g. `/key/generate` with no
 * fields. Anything else is a 400 `invalid_json`.
 */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidJsonError((error as Error).message);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidJsonError("the body must be a JSON object");
  }
  const problem = structureProblem(parsed, MAX_JSON_DEPTH, true);
  if (problem) throw invalidJsonError(problem);
  return parsed as Record<string, unknown>;
}

/**
 * Walks a parsed value without recursion (so no depth of input can overflow the stack): the one
 * depth check for every JSON body the gateway reads. `__proto__` keys are refused where bodies
 * are copied into rows (management); inference bodies are passed on as they came.
 */
function structureProblem(
  value: unknown,
  maxDepth: number,
  refuseProtoKeys: boolean,
): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels`;
    // Only containers are stacked: an embeddings body can hold millions of numbers.
    if (Array.isArray(node)) {
      for (const item of node) {
        if (item !== null && typeof item === "object") stack.push([item, depth + 1]);
      }
      continue;
    }
    for (const key of Object.keys(node)) {
      if (refuseProtoKeys && key === "__proto__") return 'the key "__proto__" is not allowed';
      const item = (node as Record<string, unknown>)[key];
      if (item !== null && typeof item === "object") stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

export function validateBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new InvalidRequestError("Request body must be a JSON object", { code: "invalid_type" });
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue ? formatPath(issue.path) : null;
  const message = issue
    ? `Invalid value for '${param || "body"}': ${issue.message}`
    : "Invalid request body";
  throw new InvalidRequestError(message, { param: param || null, code: "invalid_value" });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
