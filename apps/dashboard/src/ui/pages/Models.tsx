import { Badge, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FieldSpec } from "../../lib/form-fields.ts";
import { formatMoney } from "../../lib/money.ts";
import { api } from "../api.ts";
import { Confirm } from "../components/Confirm.tsx";
import { EntityForm } from "../components/EntityForm.tsx";
import { QueryState } from "../components/States.tsx";
import { canWrite, isAdmin, useSession } from "../session.tsx";

interface ModelRow {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown> & { id: string; db_model?: boolean };
}

interface Health {
  healthy_endpoints: { model_id?: string; model_name?: string }[];
  unhealthy_endpoints: { model_id?: string; model_name?: string; error?: string }[];
}

/**
 * What /model/new takes: the deployment's credentials go in litellm_params and are stored
 * encrypted; /model/info never returns them, so the form starts empty and nothing shows them back.
 */
const MODEL_FIELDS: FieldSpec[] = [
  {
    name: "model_name",
    label: "Public model name",
    kind: "text",
    required: true,
    description: "What clients send as model",
  },
  {
    name: "model",
    label: "Provider model",
    kind: "text",
    required: true,
    description: "e.g. openai/gpt-4o",
  },
  { name: "api_base", label: "API base", kind: "text" },
  {
    name: "api_key",
    label: "API key",
    kind: "secret",
    description: "Stored encrypted, never shown again",
  },
  { name: "api_version", label: "API version", kind: "text" },
  { name: "rpm", label: "Requests per minute", kind: "integer" },
  { name: "tpm", label: "Tokens per minute", kind: "integer" },
  { name: "input_cost_per_token", label: "Input cost per token ($)", kind: "money" },
  { name: "output_cost_per_token", label: "Output cost per token ($)", kind: "money" },
];

/**
 * The router's cooldown of a deployment, from /model/info's `in_cooldown` and `cooldown_until`
 * (ours; LiteLLM's UI has no such field): undefined when it is taking traffic.
 */
function cooldownOf(info: Record<string, unknown>): string | undefined {
  const until = info.cooldown_until;
  if (typeof until === "string" && !Number.isNaN(Date.parse(until))) {
    return `until ${new Date(until).toLocaleTimeString()}`;
  }
  return info.in_cooldown === true ? "cooling down" : undefined;
}

export function Models() {
  const { session } = useSession();
  const client = useQueryClient();
  const admin = isAdmin(session) && canWrite(session);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<ModelRow>();
  const models = useQuery({
    queryKey: ["models"],
    queryFn: async () => (await api<{ data: ModelRow[] }>("/model/info")).data,
    refetchInterval: 15_000,
  });
  const health = useQuery({
    queryKey: ["health"],
    queryFn: () => api<Health>("/health"),
    refetchInterval: 30_000,
    retry: false,
    // /health is for admins (a key's session gets a 403): others do not ask.
    enabled: isAdmin(session),
  });
  const unhealthy = new Map(
    (health.data?.unhealthy_endpoints ?? []).map((e) => [e.model_id ?? e.model_name, e]),
  );
  const healthy = new Set(
    (health.data?.healthy_endpoints ?? []).map((e) => e.model_id ?? e.model_name),
  );
  const refresh = () => client.invalidateQueries({ queryKey: ["models"] });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Models</Title>
        {admin && <Button onClick={() => setAdding(true)}>Add model</Button>}
      </Group>
      {health.error || !isAdmin(session) ? (
        <Text size="sm" c="dimmed">
          Health is not available to this session.
        </Text>
      ) : null}
      <QueryState query={models} what="models" isEmpty={(d) => d.length === 0}>
        {(rows) => (
          <Table.ScrollContainer minWidth={800}>
            <Table striped data-testid="models-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Model group</Table.Th>
                  <Table.Th>Deployment</Table.Th>
                  <Table.Th>API base</Table.Th>
                  <Table.Th>Cost in / out (per 1M tokens)</Table.Th>
                  <Table.Th>Health</Table.Th>
                  <Table.Th>Cooldown</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...rows]
                  .sort((a, b) => a.model_name.localeCompare(b.model_name))
                  .map((row) => {
                    const id = row.model_info.id;
                    const bad = unhealthy.get(id) ?? unhealthy.get(row.model_name);
                    const cooldown = cooldownOf(row.model_info);
                    const perMillion = (v: unknown) =>
                      typeof v === "number" ? formatMoney(v * 1e6) : "—";
                    return (
                      <Table.Tr key={id} data-model={row.model_name}>
                        <Table.Td>{row.model_name}</Table.Td>
                        <Table.Td>
                          <Text ff="monospace" size="sm">
                            {String(row.litellm_params.model ?? "")}
                          </Text>
                        </Table.Td>
                        <Table.Td>{String(row.litellm_params.api_base ?? "—")}</Table.Td>
                        <Table.Td>
                          {perMillion(row.model_info.input_cost_per_token)} /{" "}
                          {perMillion(row.model_info.output_cost_per_token)}
                        </Table.Td>
                        <Table.Td>
                          {bad ? (
                            <Badge color="red" title={bad.error}>
                              unhealthy
                            </Badge>
                          ) : healthy.has(id) || healthy.has(row.model_name) ? (
                            <Badge color="green">healthy</Badge>
                          ) : (
                            <Badge color="gray">unknown</Badge>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {cooldown ? <Badge color="orange">{cooldown}</Badge> : "—"}
                        </Table.Td>
                        <Table.Td>{row.model_info.db_model ? "added here" : "config"}</Table.Td>
                        <Table.Td>
                          {admin && row.model_info.db_model && (
                            <Button
                              size="xs"
                              variant="subtle"
                              color="red"
                              onClick={() => setDeleting(row)}
                            >
                              Delete
                            </Button>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {adding && (
        <EntityForm
          title="Add model"
          opened
          mode="create"
          submitLabel="Add model"
          fields={MODEL_FIELDS}
          onClose={() => setAdding(false)}
          submit={async (body) => {
            const { model_name, input_cost_per_token, output_cost_per_token, ...params } = body;
            const modelInfo = Object.fromEntries(
              Object.entries({ input_cost_per_token, output_cost_per_token }).filter(
                ([, v]) => v !== undefined,
              ),
            );
            await api("/model/new", {
              body: { model_name, litellm_params: params, model_info: modelInfo },
            });
            setAdding(false);
            await refresh();
          }}
        />
      )}
      <Confirm
        opened={deleting !== undefined}
        title="Delete model"
        message={`Delete the deployment ${String(deleting?.litellm_params.model ?? "")} of ${deleting?.model_name ?? ""}? Requests for it go to the group's other deployments, if any.`}
        confirmLabel="Delete model"
        onClose={() => setDeleting(undefined)}
        onConfirm={async () => {
          await api("/model/delete", { body: { id: deleting!.model_info.id } });
          await refresh();
        }}
      />
    </Stack>
  );
}
