import { Badge, Menu } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FieldSpec } from "../../lib/form-fields.ts";
import { formatBudget, formatCount } from "../../lib/money.ts";
import { api } from "../api.ts";
import { CrudPage, dimmed } from "../components/CrudPage.tsx";
import { Members, type MemberRow } from "../components/Members.tsx";
import { canWrite, useSession } from "../session.tsx";

export interface TeamRow {
  team_id: string;
  team_alias: string | null;
  organization_id: string | null;
  members_with_roles: MemberRow[];
  max_budget: number | null;
  spend: number;
  models: string[];
  blocked: boolean;
  tpm_limit: number | null;
  rpm_limit: number | null;
  budget_duration: string | null;
  [field: string]: unknown;
}

const TEAM_FIELDS: FieldSpec[] = [
  { name: "team_alias", label: "Name", kind: "text", required: true },
  {
    name: "team_id",
    label: "Team id",
    kind: "text",
    createOnly: true,
    description: "Empty: generated",
  },
  { name: "organization_id", label: "Organization id", kind: "text" },
  { name: "models", label: "Models", kind: "list" },
  { name: "max_budget", label: "Max budget ($)", kind: "money" },
  { name: "soft_budget", label: "Soft budget ($)", kind: "money" },
  { name: "budget_duration", label: "Budget resets every", kind: "duration" },
  { name: "tpm_limit", label: "Tokens per minute", kind: "integer" },
  { name: "rpm_limit", label: "Requests per minute", kind: "integer" },
  { name: "max_parallel_requests", label: "Parallel requests", kind: "integer" },
  { name: "model_max_budget", label: "Budget per model", kind: "json" },
  { name: "model_aliases", label: "Model aliases", kind: "json" },
  { name: "metadata", label: "Metadata", kind: "json" },
  { name: "blocked", label: "Blocked", kind: "boolean" },
];

/** Teams the session may see (every team for an admin, its own for a team key). */
export function useTeams() {
  return useQuery({
    queryKey: ["teams"],
    queryFn: () => api<TeamRow[]>("/team/list"),
    refetchInterval: 30_000,
  });
}

export function Teams() {
  const { session } = useSession();
  const client = useQueryClient();
  const teams = useTeams();
  const [membersOf, setMembersOf] = useState<string>();
  const team = teams.data?.find((t) => t.team_id === membersOf);
  const refresh = () => client.invalidateQueries({ queryKey: ["teams"] });

  return (
    <CrudPage<TeamRow>
      title="Teams"
      noun="team"
      queryKey="teams"
      list={teams}
      rowId={(t) => t.team_id}
      rowName={(t) => t.team_alias ?? t.team_id}
      writable={canWrite(session)}
      fields={TEAM_FIELDS}
      columns={[
        { header: "Name", cell: (t) => dimmed(t.team_alias) },
        { header: "Team id", cell: (t) => t.team_id },
        { header: "Organization", cell: (t) => dimmed(t.organization_id) },
        { header: "Members", cell: (t) => formatCount(t.members_with_roles?.length ?? 0) },
        { header: "Spend / budget", cell: (t) => formatBudget(t.spend, t.max_budget) },
        { header: "Resets", cell: (t) => dimmed(t.budget_duration) },
        { header: "Models", cell: (t) => (t.models?.length ? t.models.join(", ") : "all") },
        {
          header: "State",
          cell: (t) =>
            t.blocked ? <Badge color="red">blocked</Badge> : <Badge color="green">active</Badge>,
        },
      ]}
      create={(body) => api("/team/new", { body })}
      update={(t, body) => api("/team/update", { body: { team_id: t.team_id, ...body } })}
      remove={(t) => api("/team/delete", { body: { team_ids: [t.team_id] } })}
      extraActions={(t) => <Menu.Item onClick={() => setMembersOf(t.team_id)}>Members</Menu.Item>}
    >
      {team && (
        <Members
          title={`Members of ${team.team_alias ?? team.team_id}`}
          opened
          onClose={() => setMembersOf(undefined)}
          members={team.members_with_roles ?? []}
          roles={["admin", "user"]}
          add={async (member) => {
            await api("/team/member_add", { body: { team_id: team.team_id, member } });
            await refresh();
          }}
          remove={async (m) => {
            await api("/team/member_delete", {
              body: {
                team_id: team.team_id,
                ...(m.user_id ? { user_id: m.user_id } : { user_email: m.user_email }),
              },
            });
            await refresh();
          }}
        />
      )}
    </CrudPage>
  );
}
