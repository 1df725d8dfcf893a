import { useQuery } from "@tanstack/react-query";
import type { FieldSpec } from "../../lib/form-fields.ts";
import { formatBudget } from "../../lib/money.ts";
import { api } from "../api.ts";
import { CrudPage, dimmed } from "../components/CrudPage.tsx";
import { canWrite, useSession } from "../session.tsx";

interface UserRow {
  user_id: string;
  user_alias: string | null;
  user_email: string | null;
  user_role: string | null;
  organization_id: string | null;
  teams: string[];
  spend: number;
  max_budget: number | null;
  [field: string]: unknown;
}

const ROLES = [
  "proxy_admin",
  "proxy_admin_viewer",
  "internal_user",
  "internal_user_viewer",
] as const;

const USER_FIELDS: FieldSpec[] = [
  {
    name: "user_id",
    label: "User id",
    kind: "text",
    createOnly: true,
    description: "Empty: generated",
  },
  { name: "user_email", label: "Email", kind: "text" },
  {
    name: "password",
    label: "Password",
    kind: "password",
    description:
      "Lets the user sign in here with their email or user id. Stored hashed; empty: unchanged",
  },
  { name: "user_alias", label: "Name", kind: "text" },
  { name: "user_role", label: "Role", kind: "select", options: ROLES },
  { name: "organization_id", label: "Organization id", kind: "text" },
  { name: "models", label: "Models", kind: "list" },
  { name: "max_budget", label: "Max budget ($)", kind: "money" },
  { name: "soft_budget", label: "Soft budget ($)", kind: "money" },
  { name: "budget_duration", label: "Budget resets every", kind: "duration" },
  { name: "tpm_limit", label: "Tokens per minute", kind: "integer" },
  { name: "rpm_limit", label: "Requests per minute", kind: "integer" },
  { name: "max_parallel_requests", label: "Parallel requests", kind: "integer" },
  { name: "metadata", label: "Metadata", kind: "json" },
  {
    name: "auto_create_key",
    label: "Create a key for the user",
    kind: "boolean",
    createOnly: true,
  },
];

export function Users() {
  const { session } = useSession();
  const users = useQuery({
    queryKey: ["users"],
    queryFn: async () => (await api<{ users: UserRow[] }>("/user/list?page=1&page_size=100")).users,
    refetchInterval: 30_000,
  });
  return (
    <CrudPage<UserRow>
      title="Users"
      noun="user"
      queryKey="users"
      list={users}
      rowId={(u) => u.user_id}
      rowName={(u) => u.user_email ?? u.user_id}
      writable={canWrite(session)}
      fields={USER_FIELDS}
      columns={[
        { header: "User id", cell: (u) => u.user_id },
        { header: "Email", cell: (u) => dimmed(u.user_email) },
        { header: "Name", cell: (u) => dimmed(u.user_alias) },
        { header: "Role", cell: (u) => dimmed(u.user_role) },
        { header: "Teams", cell: (u) => (u.teams?.length ? u.teams.join(", ") : "—") },
        { header: "Spend / budget", cell: (u) => formatBudget(u.spend, u.max_budget) },
      ]}
      create={(body) => api("/user/new", { body: { auto_create_key: false, ...body } })}
      update={(u, body) => api("/user/update", { body: { user_id: u.user_id, ...body } })}
      remove={(u) => api("/user/delete", { body: { user_ids: [u.user_id] } })}
    />
  );
}
