import { createBudgetService } from "./budget-service.ts";
import { createCustomerService } from "./customer-service.ts";
import { withDatabaseErrors } from "./database-errors.ts";
import { createKeyService } from "./key-service.ts";
import { resolveDeps, type ManagementDeps } from "./management-deps.ts";
import { createModelService } from "./model-service.ts";
import { createOrganizationMembers } from "./organization-members.ts";
import { createOrganizationService } from "./organization-service.ts";
import { createSpendService } from "./spend-service.ts";
import { createTeamService } from "./team-service.ts";
import { createUserLogin } from "./user-login.ts";
import { createUserService } from "./user-service.ts";

/**
 * LiteLLM's management API as plain functions, `(caller, body or query) -> response JSON`, each
 * validated with zod, transactional (a failed call changes nothing), audited, and publishing the
 * invalidations that make every instance drop what it cached. HTTP routes are a thin layer over it.
 */
export function createManagement(deps: ManagementDeps) {
  const resolved = resolveDeps(deps);
  const keys = createKeyService(resolved);
  return {
    keys: withDatabaseErrors(keys),
    teams: withDatabaseErrors(createTeamService(resolved)),
    users: withDatabaseErrors(createUserService(resolved, keys)),
    /** Dashboard login of internal users with the password /user/new or /user/update set. */
    userLogin: withDatabaseErrors(createUserLogin(resolved.db)),
    organizations: withDatabaseErrors({
      ...createOrganizationService(resolved),
      ...createOrganizationMembers(resolved),
    }),
    customers: withDatabaseErrors(createCustomerService(resolved)),
    budgets: withDatabaseErrors(createBudgetService(resolved)),
    spend: withDatabaseErrors(createSpendService(resolved)),
    models: withDatabaseErrors(createModelService(resolved)),
  };
}

export type Management = ReturnType<typeof createManagement>;
