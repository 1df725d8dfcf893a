import { Menu } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FieldSpec } from "../../lib/form-fields.ts";
import { formatBudget } from "../../lib/money.ts";
import { api } from "../api.ts";
import { CrudPage, dimmed } from "../components/CrudPage.tsx";
import { Members, type MemberRow } from "../components/Members.tsx";
import { canWrite, useSession } from "../session.tsx";

interface OrganizationRow {
  organization_id: string;
  organization_alias: string;
  models: string[];
  spend: number;
  members?: MemberRow[];
  litellm_budget_table: { max_budget: number | null; budget_duration: string | null } | null;
  [field: string]: unknown;
}

const ORG_FIELDS: FieldSpec[] = [
  { name: "organization_alias", label: "Name", kind: "text", required: true },
  {
    name: "organization_id",
    label: "Organization id",
    kind: "text",
    createOnly: true,
    description: "Empty: generated",
  },
  { name: "models", label: "Models", kind: "list" },
  { name: "max_budget", label: "Max budget ($)", kind: "money" },
  { name: "soft_budget", label: "Soft budget ($)", kind: "money" },
  { name: "budget_duration", label: "Budget resets every", kind: "duration" },
  { name: "tpm_limit", label: "Tokens per minute", kind: "integer" },
  { name: "rpm_limit", label: "Requests per minute", kind: "integer" },
  { name: "max_parallel_requests", label: "Parallel requests", kind: "integer" },
  { name: "metadata", label: "Metadata", kind: "json" },
];

export function Organizations() {
  const { session } = useSession();
  const client = useQueryClient();
  const organizations = useQuery({
    queryKey: ["organizations"],
    queryFn: () => api<OrganizationRow[]>("/organization/list"),
    refetchInterval: 30_000,
  });
  const [membersOf, setMembersOf] = useState<OrganizationRow>();
  return (
    <CrudPage<OrganizationRow>
      title="Organizations"
      noun="organization"
      queryKey="organizations"
      list={organizations}
      rowId={(o) => o.organization_id}
      rowName={(o) => o.organization_alias}
      writable={canWrite(session)}
      // The budget lives in the organization's budget row; edit forms read it from there.
      fields={ORG_FIELDS}
      columns={[
        { header: "Name", cell: (o) => o.organization_alias },
        { header: "Organization id", cell: (o) => o.organization_id },
        {
          header: "Spend / budget",
          cell: (o) => formatBudget(o.spend, o.litellm_budget_table?.max_budget),
        },
        { header: "Resets", cell: (o) => dimmed(o.litellm_budget_table?.budget_duration) },
        { header: "Models", cell: (o) => (o.models?.length ? o.models.join(", ") : "all") },
      ]}
      create={(body) => api("/organization/new", { body })}
      update={(o, body) =>
        api("/organization/update", { body: { organization_id: o.organization_id, ...body } })
      }
      remove={(o) =>
        api("/organization/delete", { body: { organization_ids: [o.organization_id] } })
      }
      extraActions={(o) => <Menu.Item onClick={() => setMembersOf(o)}>Add members</Menu.Item>}
    >
      {membersOf && (
        <Members
          title={`Members of ${membersOf.organization_alias}`}
          opened
          onClose={() => setMembersOf(undefined)}
          members={membersOf.members ?? []}
          roles={["org_admin", "internal_user_viewer", "internal_user"]}
          add={async (member) => {
            await api("/organization/member_add", {
              body: { organization_id: membersOf.organization_id, member },
            });
            await client.invalidateQueries({ queryKey: ["organizations"] });
          }}
        />
      )}
    </CrudPage>
  );
}
