import type {
  Budget,
  DeletedVirtualKey,
  Organization,
  Team,
  TeamMembership,
  User,
  VirtualKey,
} from "@org/db";

/** A key row with everything above it, as the key source reads it in one query. */
export interface LoadedKey {
  readonly key: VirtualKey;
  readonly keyBudget?: Budget | undefined;
  readonly team?: Team | undefined;
  readonly user?: User | undefined;
  readonly membership?: TeamMembership | undefined;
  readonly memberBudget?: Budget | undefined;
  readonly organization?: Organization | undefined;
  readonly organizationBudget?: Budget | undefined;
}

/** What a lookup by hash found: a live key, a deleted or rotated one, or nothing. */
export type KeyLookup =
  | { readonly found: "key"; readonly loaded: LoadedKey }
  | { readonly found: "deleted"; readonly deleted: DeletedVirtualKey }
  | { readonly found: "none" };

/** Where the authenticator reads keys from on a cache miss (the database in production). */
export interface KeySource {
  lookup(keyHash: string): Promise<KeyLookup>;
}
