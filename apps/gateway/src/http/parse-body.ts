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
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidJsonError((error as Error).message);
  }
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
