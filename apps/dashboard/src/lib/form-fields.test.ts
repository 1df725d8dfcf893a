import { describe, expect, it } from "vitest";
import {
  changedBody,
  formBody,
  formValuesOf,
  splitList,
  validateForm,
  type FieldSpec,
} from "./form-fields.ts";

const fields: FieldSpec[] = [
  { name: "key_alias", label: "Alias", kind: "text", required: true },
  { name: "max_budget", label: "Max budget", kind: "money" },
  { name: "rpm_limit", label: "RPM", kind: "integer" },
  { name: "duration", label: "Expires after", kind: "duration" },
  { name: "models", label: "Models", kind: "list" },
  { name: "metadata", label: "Metadata", kind: "json" },
  { name: "blocked", label: "Blocked", kind: "boolean" },
  { name: "user_role", label: "Role", kind: "select", options: ["proxy_admin", "internal_user"] },
  { name: "api_key", label: "API key", kind: "secret" },
];

describe("validateForm", () => {
  it("accepts a well-filled form", () => {
    expect(
      validateForm(fields, {
        key_alias: "search",
        max_budget: "25.5",
        rpm_limit: "100",
        duration: "30d",
        models: "gpt-4o, claude",
        metadata: '{"env":"prod"}',
        blocked: "false",
        user_role: "internal_user",
      }),
    ).toEqual({});
  });

  it("names every bad field with what to type instead", () => {
    const errors = validateForm(fields, {
      key_alias: "   ",
      max_budget: "-1",
      rpm_limit: "1.5",
      duration: "30 days",
      metadata: "[1,2]",
      user_role: "root",
      api_key: "a\u0000b",
    });
    expect(errors).toEqual({
      key_alias: "Alias is required",
      max_budget: "Cannot be negative",
      rpm_limit: "Enter a whole number",
      duration: "Use a number and a unit: 30s, 15m, 12h, 7d, 1mo",
      metadata: 'Enter a JSON object, e.g. {"env": "prod"}',
      user_role: "Choose one of: proxy_admin, internal_user",
      api_key: "Contains a NUL character",
    });
    expect(
      validateForm(fields, { key_alias: "x", max_budget: "ten", metadata: "{bad" }),
    ).toMatchObject({
      max_budget: "Enter an amount in dollars, e.g. 25 or 0.5",
      metadata: 'Not valid JSON: enter an object, e.g. {"env": "prod"}',
    });
    expect(
      validateForm(fields, {
        key_alias: "x".repeat(513),
        max_budget: "1e12",
        rpm_limit: "99999999999999999999",
      }),
    ).toEqual({
      key_alias: "At most 512 characters",
      max_budget: "Too large",
      rpm_limit: "Too large",
    });
  });
});

describe("formBody and changedBody", () => {
  it("turns typed text into the API's JSON types and leaves empty fields out", () => {
    expect(
      formBody(fields, {
        key_alias: " search ",
        max_budget: "2.5",
        rpm_limit: "10",
        models: "a,\n b, ,c",
        metadata: '{"a":1}',
        blocked: "true",
        duration: "",
      }),
    ).toEqual({
      key_alias: "search",
      max_budget: 2.5,
      rpm_limit: 10,
      models: ["a", "b", "c"],
      metadata: { a: 1 },
      blocked: true,
    });
    expect(splitList(" , ")).toEqual([]);
  });

  it("on edit sends only what changed, null for a field emptied on purpose, and never fills a secret", () => {
    const record = {
      key_alias: "search",
      max_budget: 10,
      models: ["a"],
      metadata: { env: "prod" },
      api_key: "sk-upstream",
    };
    const original = formValuesOf(fields, record);
    expect(original.api_key).toBe("");
    expect(original.models).toBe("a");
    expect(changedBody(fields, original, original)).toEqual({});
    expect(changedBody(fields, { ...original, max_budget: "", rpm_limit: "5" }, original)).toEqual({
      max_budget: null,
      rpm_limit: 5,
    });
  });
});

describe("a user's password field", () => {
  const password: FieldSpec[] = [{ name: "password", label: "Password", kind: "password" }];

  it("asks for 8 to 256 characters and no NUL, and leaves an empty one out (unchanged)", () => {
    expect(validateForm(password, { password: "short" }).password).toBe("At least 8 characters");
    expect(validateForm(password, { password: "x".repeat(257) }).password).toMatch(/At most/);
    expect(validateForm(password, { password: "long enough\u0000" }).password).toMatch(/NUL/);
    expect(validateForm(password, { password: "" })).toEqual({});
    expect(formBody(password, { password: "   " })).toEqual({});
  });

  it("is sent exactly as typed (spaces are part of it) and never filled in from a record", () => {
    expect(formBody(password, { password: " pass word " })).toEqual({ password: " pass word " });
    expect(formValuesOf(password, { password: "scrypt$stored" }).password).toBe("");
    expect(changedBody(password, { password: "a new one!" }, { password: "" })).toEqual({
      password: "a new one!",
    });
  });
});
