import type { Budget, Organization, Team, TeamMembership, User, VirtualKey } from "@org/db";
import { abbreviateKey, hashKey } from "../keys/virtual-key.ts";

const epoch = new Date(Date.UTC(2025, 0, 1));

/** A virtual_keys row for `key`, with LiteLLM's defaults; override what the test needs. */
export function keyRow(key: string, patch: Partial<VirtualKey> = {}): VirtualKey {
  return {
    id: `id-${key}`,
    tokenHash: hashKey(key),
    keyName: abbreviateKey(key),
    keyAlias: null,
    userId: null,
    teamId: null,
    organizationId: null,
    budgetId: null,
    models: [],
    aliases: {},
    config: {},
    permissions: {},
    maxBudget: null,
    spend: 0,
    modelSpend: {},
    modelMaxBudget: {},
    softBudgetCooldown: false,
    maxParallelRequests: null,
    tpmLimit: null,
    rpmLimit: null,
    budgetDuration: null,
    budgetResetAt: null,
    allowedCacheControls: [],
    allowedRoutes: [],
    blocked: false,
    expiresAt: null,
    lastActiveAt: null,
    metadata: {},
    createdAt: epoch,
    createdBy: null,
    updatedAt: epoch,
    updatedBy: null,
    ...patch,
  };
}

export function teamRow(id: string, patch: Partial<Team> = {}): Team {
  return {
    id,
    teamAlias: `${id}-alias`,
    organizationId: null,
    models: [],
    maxBudget: null,
    softBudget: null,
    spend: 0,
    modelSpend: {},
    modelMaxBudget: {},
    modelAliases: {},
    maxParallelRequests: null,
    tpmLimit: null,
    rpmLimit: null,
    budgetDuration: null,
    budgetResetAt: null,
    blocked: false,
    metadata: {},
    createdAt: epoch,
    updatedAt: epoch,
    ...patch,
  };
}

export function userRow(id: string, patch: Partial<User> = {}): User {
  return {
    id,
    userAlias: null,
    userEmail: null,
    userRole: "internal_user",
    ssoUserId: null,
    passwordHash: null,
    organizationId: null,
    models: [],
    maxBudget: null,
    spend: 0,
    modelSpend: {},
    modelMaxBudget: {},
    maxParallelRequests: null,
    tpmLimit: null,
    rpmLimit: null,
    budgetDuration: null,
    budgetResetAt: null,
    allowedCacheControls: [],
    metadata: {},
    createdAt: epoch,
    updatedAt: epoch,
    ...patch,
  };
}

export function budgetRow(id: string, patch: Partial<Budget> = {}): Budget {
  return {
    id,
    maxBudget: null,
    softBudget: null,
    maxParallelRequests: null,
    tpmLimit: null,
    rpmLimit: null,
    modelMaxBudget: {},
    budgetDuration: null,
    budgetResetAt: null,
    createdAt: epoch,
    createdBy: null,
    updatedAt: epoch,
    updatedBy: null,
    ...patch,
  };
}

export function organizationRow(id: string, patch: Partial<Organization> = {}): Organization {
  return {
    id,
    organizationAlias: `${id}-alias`,
    budgetId: null,
    models: [],
    spend: 0,
    modelSpend: {},
    metadata: {},
    createdAt: epoch,
    createdBy: null,
    updatedAt: epoch,
    updatedBy: null,
    ...patch,
  };
}

export function membershipRow(teamId: string, userId: string, patch: Partial<TeamMembership> = {}): TeamMembership {
  return { teamId, userId, role: "user", spend: 0, budgetId: null, createdAt: epoch, ...patch };
}
