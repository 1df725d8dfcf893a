import { isRecord } from "../../../util/is-record.ts";

/**
 * Small rewrites of an OpenAI request body for servers that deviate from OpenAI in one field.
 * Each returns a new body (the request belongs to the caller) and leaves the rest untouched.
 */

/** Moves `from` to `to` unless `to` is already set (then `from` is simply dropped). */
export function renameParam(
  body: Record<string, unknown>,
  from: string,
  to: string,
): Record<string, unknown> {
  if (body[from] === undefined) return body;
  const { [from]: value, ...rest } = body;
  if (rest[to] !== undefined && rest[to] !== null) return rest;
  return value === null ? rest : { ...rest, [to]: value };
}

/** Rewrites every message with `edit` (messages that are not objects are kept as they are). */
export function mapMessages(
  body: Record<string, unknown>,
  edit: (message: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
  if (!Array.isArray(body.messages)) return body;
  return {
    ...body,
    messages: body.messages.map((message: unknown) =>
      isRecord(message) ? edit(message) : message,
    ),
  };
}

/** Removes `field` from every message. */
export function stripMessageField(
  body: Record<string, unknown>,
  field: string,
): Record<string, unknown> {
  return mapMessages(body, (message) => {
    if (!(field in message)) return message;
    const { [field]: _removed, ...rest } = message;
    return rest;
  });
}

/** Removes `strict` from every function tool (servers that validate tools without knowing it). */
export function stripToolStrict(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.tools)) return body;
  return {
    ...body,
    tools: body.tools.map((tool: unknown) => {
      if (!isRecord(tool) || !isRecord(tool.function) || !("strict" in tool.function)) return tool;
      const { strict: _strict, ...fn } = tool.function;
      return { ...tool, function: fn };
    }),
  };
}
