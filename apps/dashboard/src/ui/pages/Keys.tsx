import {
  Badge,
  Button,
  Group,
  Menu,
  Pagination,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FieldSpec } from "../../lib/form-fields.ts";
import { formValuesOf } from "../../lib/form-fields.ts";
import { budgetUsedPercent, formatBudget, formatCount } from "../../lib/money.ts";
import { api, query } from "../api.ts";
import { Confirm } from "../components/Confirm.tsx";
import { EntityForm } from "../components/EntityForm.tsx";
import { SecretOnce } from "../components/SecretOnce.tsx";
import { QueryState } from "../components/States.tsx";
import { canWrite, useSession } from "../session.tsx";
import { useTeams } from "./Teams.tsx";

export interface KeyRow {
  token: string;
  key_name: string | null;
  key_alias: string | null;
  team_id: string | null;
  user_id: string | null;
  organization_id: string | null;
  spend: number;
  max_budget: number | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  max_parallel_requests: number | null;
  expires: string | null;
  blocked: boolean | null;
  models: string[];
  [field: string]: unknown;
}

interface KeyList {
  keys: KeyRow[];
  total_count: number;
  current_page: number;
  total_pages: number;
}

/** Every field /key/generate takes, with LiteLLM's names. */
export const KEY_FIELDS: FieldSpec[] = [
  { name: "key_alias", label: "Alias", kind: "text" },
  { name: "team_id", label: "Team id", kind: "text" },
  { name: "user_id", label: "User id", kind: "text" },
  { name: "organization_id", label: "Organization id", kind: "text" },
  {
    name: "models",
    label: "Models",
    kind: "list",
    description: "Empty: every model the team allows",
  },
  { name: "max_budget", label: "Max budget ($)", kind: "money" },
  {
    name: "soft_budget",
    label: "Soft budget ($)",
    kind: "money",
    description: "Alert when crossed",
  },
  { name: "budget_duration", label: "Budget resets every", kind: "duration" },
  { name: "duration", label: "Expires after", kind: "duration" },
  { name: "tpm_limit", label: "Tokens per minute", kind: "integer" },
  { name: "rpm_limit", label: "Requests per minute", kind: "integer" },
  { name: "max_parallel_requests", label: "Parallel requests", kind: "integer" },
  { name: "model_max_budget", label: "Budget per model", kind: "json" },
  { name: "model_rpm_limit", label: "RPM per model", kind: "json" },
  { name: "model_tpm_limit", label: "TPM per model", kind: "json" },
  { name: "aliases", label: "Model aliases", kind: "json" },
  { name: "tags", label: "Tags", kind: "list" },
  { name: "allowed_routes", label: "Allowed routes", kind: "list" },
  { name: "allowed_cache_controls", label: "Allowed cache controls", kind: "list" },
  { name: "guardrails", label: "Guardrails", kind: "list" },
  { name: "enforced_params", label: "Enforced params", kind: "list" },
  { name: "metadata", label: "Metadata", kind: "json" },
  { name: "permissions", label: "Permissions", kind: "json" },
  { name: "config", label: "Config", kind: "json" },
  { name: "budget_id", label: "Budget id", kind: "text" },
  { name: "blocked", label: "Blocked", kind: "boolean" },
  {
    name: "key",
    label: "Custom key",
    kind: "secret",
    createOnly: true,
    description: "Leave empty to generate one",
  },
  { name: "key_type", label: "Key type", kind: "text", createOnly: true },
];

const PAGE_SIZE = 50;

export function Keys() {
  const { session } = useSession();
  const client = useQueryClient();
  const writable = canWrite(session);
  const [page, setPage] = useState(1);
  const [alias, setAlias] = useState("");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<KeyRow>();
  const [deleting, setDeleting] = useState<KeyRow>();
  const [regenerating, setRegenerating] = useState<KeyRow>();
  const [secret, setSecret] = useState<{ title: string; value: string }>();
  const teams = useTeams();
  const teamName = (id: string | null) =>
    id ? (teams.data?.find((t) => t.team_id === id)?.team_alias ?? id) : "—";

  const keys = useQuery({
    queryKey: ["keys", page, alias],
    queryFn: () =>
      api<KeyList>(
        `/key/list${query({ return_full_object: true, page, size: PAGE_SIZE, key_alias: alias.trim() })}`,
      ),
    refetchInterval: 15_000,
    placeholderData: (previous) => previous,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["keys"] });
  const setBlocked = async (row: KeyRow, blocked: boolean) => {
    await api(blocked ? "/key/block" : "/key/unblock", { body: { key: row.token } });
    await refresh();
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Keys</Title>
        {writable && <Button onClick={() => setCreating(true)}>Create key</Button>}
      </Group>
      <TextInput
        label="Filter by alias"
        value={alias}
        onChange={(e) => {
          setAlias(e.currentTarget.value);
          setPage(1);
        }}
        maw={320}
      />
      <QueryState
        query={keys}
        what="keys"
        isEmpty={(d) => d.keys.length === 0}
        empty="No keys match."
      >
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={900}>
              <Table striped highlightOnHover data-testid="keys-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Alias</Table.Th>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Team</Table.Th>
                    <Table.Th>Spend / budget</Table.Th>
                    <Table.Th>Limits</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th aria-label="Actions" />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.keys.map((row) => {
                    const used = budgetUsedPercent(row.spend, row.max_budget);
                    const expired = row.expires !== null && Date.parse(row.expires) < Date.now();
                    return (
                      <Table.Tr key={row.token} data-key-alias={row.key_alias ?? ""}>
                        <Table.Td>{row.key_alias ?? <Text c="dimmed">—</Text>}</Table.Td>
                        <Table.Td>
                          <Text ff="monospace" size="sm">
                            {row.key_name ?? `${row.token.slice(0, 8)}…`}
                          </Text>
                        </Table.Td>
                        <Table.Td>{teamName(row.team_id)}</Table.Td>
                        <Table.Td miw={160}>
                          <Text size="sm" data-testid="key-spend">
                            {formatBudget(row.spend, row.max_budget)}
                          </Text>
                          {used !== null && (
                            <Progress
                              value={used}
                              color={used >= 100 ? "red" : used > 80 ? "orange" : "blue"}
                              size="sm"
                              aria-label="Budget used"
                            />
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs">
                            {`RPM ${formatCount(row.rpm_limit)} · TPM ${formatCount(row.tpm_limit)} · parallel ${formatCount(row.max_parallel_requests)}`}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {row.expires ? new Date(row.expires).toLocaleString() : "never"}
                        </Table.Td>
                        <Table.Td>
                          {row.blocked ? (
                            <Badge color="red">blocked</Badge>
                          ) : expired ? (
                            <Badge color="gray">expired</Badge>
                          ) : (
                            <Badge color="green">active</Badge>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {writable && (
                            <Menu position="bottom-end" withinPortal>
                              <Menu.Target>
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  aria-label={`Actions for ${row.key_alias ?? row.key_name ?? "key"}`}
                                >
                                  Actions
                                </Button>
                              </Menu.Target>
                              <Menu.Dropdown>
                                <Menu.Item onClick={() => setEditing(row)}>Edit</Menu.Item>
                                {row.blocked ? (
                                  <Menu.Item onClick={() => void setBlocked(row, false)}>
                                    Unblock
                                  </Menu.Item>
                                ) : (
                                  <Menu.Item onClick={() => void setBlocked(row, true)}>
                                    Block
                                  </Menu.Item>
                                )}
                                <Menu.Item onClick={() => setRegenerating(row)}>
                                  Regenerate
                                </Menu.Item>
                                <Menu.Item color="red" onClick={() => setDeleting(row)}>
                                  Delete
                                </Menu.Item>
                              </Menu.Dropdown>
                            </Menu>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {formatCount(data.total_count)} keys
              </Text>
              <Pagination
                total={Math.max(1, data.total_pages)}
                value={page}
                onChange={setPage}
                size="sm"
              />
            </Group>
          </>
        )}
      </QueryState>

      {creating && (
        <EntityForm
          title="Create key"
          opened
          mode="create"
          submitLabel="Create key"
          fields={KEY_FIELDS}
          initial={
            session.team_id && session.user_role !== "proxy_admin"
              ? { team_id: session.team_id }
              : {}
          }
          onClose={() => setCreating(false)}
          submit={async (body) => {
            const created = await api<{ key: string }>("/key/generate", { body });
            setCreating(false);
            setSecret({ title: "Your new key", value: created.key });
            await refresh();
          }}
        />
      )}
      {editing && (
        <EntityForm
          title={`Edit key ${editing.key_alias ?? editing.key_name ?? ""}`}
          opened
          mode="edit"
          submitLabel="Save"
          fields={KEY_FIELDS}
          initial={formValuesOf(KEY_FIELDS, editing)}
          onClose={() => setEditing(undefined)}
          submit={async (body) => {
            if (Object.keys(body).length > 0)
              await api("/key/update", { body: { key: editing.token, ...body } });
            setEditing(undefined);
            await refresh();
          }}
        />
      )}
      <Confirm
        opened={deleting !== undefined}
        title="Delete key"
        message={`Delete ${deleting?.key_alias ?? deleting?.key_name ?? "this key"}? Requests with it are refused at once; this cannot be undone.`}
        confirmLabel="Delete key"
        onClose={() => setDeleting(undefined)}
        onConfirm={async () => {
          await api("/key/delete", { body: { keys: [deleting!.token] } });
          await refresh();
        }}
      />
      <Confirm
        opened={regenerating !== undefined}
        title="Regenerate key"
        message={`Regenerate ${regenerating?.key_alias ?? regenerating?.key_name ?? "this key"}? The current key stops working at once; its settings and spend stay.`}
        confirmLabel="Regenerate"
        onClose={() => setRegenerating(undefined)}
        onConfirm={async () => {
          const fresh = await api<{ key: string }>("/key/regenerate", {
            body: { key: regenerating!.token },
          });
          setSecret({ title: "The regenerated key", value: fresh.key });
          await refresh();
        }}
      />
      <SecretOnce
        secret={secret?.value}
        title={secret?.title ?? ""}
        onClose={() => setSecret(undefined)}
      />
      {!writable && (
        <Tooltip label="Viewer roles only look">
          <Text size="xs" c="dimmed">
            Read only
          </Text>
        </Tooltip>
      )}
    </Stack>
  );
}
