/**
 * Create/edit forms as data: each field says how its text input becomes the JSON the management
 * API takes, and what is wrong with it before anything is sent (the API checks again; this only
 * saves a round trip and points at the field). Values are strings as typed; an empty field is
 * left out of the body (on edit: not changed).
 */

export type FieldKind =
  | "text"
  | "money"
  | "integer"
  | "list"
  | "json"
  | "duration"
  | "boolean"
  | "select"
  | "secret"
  // A user's sign-in password: never filled in, sent exactly as typed (spaces are part of it).
  | "password";

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  description?: string;
  /** For "select": the allowed values. */
  options?: readonly string[];
  /** Shown only when creating (e.g. ids that cannot change). */
  createOnly?: boolean;
}

export type FormValues = Record<string, string>;

const DURATION = /^\d+(s|m|h|d|w|mo|y)$/;
/** The API accepts 1 to 256 characters (LiteLLM sets no minimum); the form asks for 8 or more. */
export const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;
const MAX_TEXT = 512;

/** Error per field name; empty when the form may be sent. */
export function validateForm(
  fields: readonly FieldSpec[],
  values: FormValues,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = (values[field.name] ?? "").trim();
    if (!raw) {
      if (field.required) errors[field.name] = `${field.label} is required`;
      continue;
    }
    const problem = problemWith(field, raw);
    if (problem) errors[field.name] = problem;
  }
  return errors;
}

function problemWith(field: FieldSpec, raw: string): string | undefined {
  switch (field.kind) {
    case "money": {
      const n = Number(raw);
      if (!Number.isFinite(n)) return "Enter an amount in dollars, e.g. 25 or 0.5";
      if (n < 0) return "Cannot be negative";
      if (n >= 1e10) return "Too large";
      return undefined;
    }
    case "integer": {
      if (!/^\d+$/.test(raw)) return "Enter a whole number";
      if (!Number.isSafeInteger(Number(raw))) return "Too large";
      return undefined;
    }
    case "duration":
      return DURATION.test(raw) ? undefined : "Use a number and a unit: 30s, 15m, 12h, 7d, 1mo";
    case "json": {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          return 'Enter a JSON object, e.g. {"env": "prod"}';
        }
        return undefined;
      } catch {
        return 'Not valid JSON: enter an object, e.g. {"env": "prod"}';
      }
    }
    case "list": {
      const items = splitList(raw);
      if (items.some((item) => item.length > MAX_TEXT))
        return `Each entry at most ${MAX_TEXT} characters`;
      return items.length > 1000 ? "At most 1,000 entries" : undefined;
    }
    case "boolean":
      return raw === "true" || raw === "false" ? undefined : "Choose yes or no";
    case "select":
      return field.options?.includes(raw)
        ? undefined
        : `Choose one of: ${field.options?.join(", ")}`;
    case "password":
      if (raw.length < PASSWORD_MIN) return `At least ${PASSWORD_MIN} characters`;
      if (raw.length > PASSWORD_MAX) return `At most ${PASSWORD_MAX} characters`;
      return raw.includes("\u0000") ? "Contains a NUL character" : undefined;
    case "text":
    case "secret":
      if (raw.length > MAX_TEXT) return `At most ${MAX_TEXT} characters`;
      // PostgreSQL refuses NUL in text, and the API would answer a 400 anyway.
      return raw.includes("\u0000") ? "Contains a NUL character" : undefined;
  }
}

/** "a, b\nc" -> ["a", "b", "c"] (commas or line breaks, blanks dropped). */
export function splitList(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The request body for the filled fields (call validateForm first). */
export function formBody(
  fields: readonly FieldSpec[],
  values: FormValues,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = (values[field.name] ?? "").trim();
    if (!raw) continue;
    switch (field.kind) {
      case "money":
      case "integer":
        body[field.name] = Number(raw);
        break;
      case "list":
        body[field.name] = splitList(raw);
        break;
      case "json":
        body[field.name] = JSON.parse(raw) as unknown;
        break;
      case "boolean":
        body[field.name] = raw === "true";
        break;
      case "password":
        // Untrimmed: the login page sends the password as typed.
        body[field.name] = values[field.name];
        break;
      default:
        body[field.name] = raw;
    }
  }
  return body;
}

/** Form values from an existing record (for edit forms); secrets are never filled in. */
export function formValuesOf(
  fields: readonly FieldSpec[],
  record: Record<string, unknown>,
): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = record[field.name];
    if (field.kind === "secret" || field.kind === "password" || value == null) {
      values[field.name] = "";
    } else if (field.kind === "list" && Array.isArray(value)) {
      values[field.name] = value.join(", ");
    } else if (field.kind === "json") {
      values[field.name] =
        typeof value === "object" && Object.keys(value as object).length > 0
          ? JSON.stringify(value, null, 2)
          : "";
    } else {
      values[field.name] = String(value);
    }
  }
  return values;
}

/** Only the fields whose value differs from the record's (the API counts a sent field as a change). */
export function changedBody(
  fields: readonly FieldSpec[],
  values: FormValues,
  original: FormValues,
): Record<string, unknown> {
  const changed = fields.filter(
    (f) => (values[f.name] ?? "").trim() !== (original[f.name] ?? "").trim(),
  );
  const body = formBody(changed, values);
  // A field emptied on purpose clears it.
  for (const field of changed) if (!(field.name in body)) body[field.name] = null;
  return body;
}
