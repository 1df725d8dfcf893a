// LiteLLM's management API (/key, /team, /user, /organization, /customer, /budget, /spend,
// /model) as plain functions over the database; the gateway's routes are a thin layer over it.
export { createManagement } from "./create-management.ts";
export type { Management } from "./create-management.ts";
export type { ManagementDeps } from "./management-deps.ts";

// Who is calling: the presented key's identity as a management caller, and its roles.
export { callerFrom, MASTER_ACTOR, USER_ROLES } from "./caller.ts";
export type { Caller, UserRole } from "./caller.ts";

// The request schemas (LiteLLM's field names), e.g. for tables of who may set what.
export * as managementSchemas from "./schemas.ts";

// Stored models' credentials and their public view.
export { createCredentialCipher } from "./credential-cipher.ts";
export type { CredentialCipher } from "./credential-cipher.ts";
export { redactParams } from "./model-service.ts";
export type { StoredModel } from "./model-service.ts";

// UI login passwords (users.password).
export { hashPassword, verifyPassword } from "./password.ts";
export type { LoginUser, UserLogin } from "./user-login.ts";

// The dashboard request log's page query as SQL (for EXPLAIN in tests and by operators).
export { spendLogsUiPageSql } from "./spend-log-pages.ts";
