/**
 * LiteLLM's names for what a limit applies to; they appear in 429 messages
 * ("Rate limit exceeded for api_key: ...") and in `x-ratelimit-<descriptor>-*` headers.
 */
export type RateDescriptorKey =
  "api_key" | "user" | "team" | "team_member" | "organization" | "end_user" | "model_per_key";

/** The rpm / tpm / parallel limits of one key, user, team, ... Built once per identity. */
export interface RateDescriptor {
  /** Unique id naming the counters, e.g. `k:<key hash>`. */
  readonly id: string;
  readonly key: RateDescriptorKey;
  /** Shown in messages: the key hash, team id, user id, model ... */
  readonly value: string;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly maxParallel: number | undefined;
}

export function hasLimits(d: Pick<RateDescriptor, "rpm" | "tpm" | "maxParallel">): boolean {
  return d.rpm != null || d.tpm != null || d.maxParallel != null;
}
