import {
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  Pagination,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  defaultLogFilters,
  logsQueryString,
  validateLogFilters,
  type LogFilters,
} from "../../lib/logs-query.ts";
import { failedAttemptLines, formatFallbackChain, formatRetries } from "../../lib/log-routing.ts";
import { formatCount, formatDuration, formatMoney } from "../../lib/money.ts";
import { api } from "../api.ts";
import { ErrorState, Loading, QueryState } from "../components/States.tsx";

export interface LogRow {
  request_id: string;
  call_type: string;
  api_key: string | null;
  key_alias: string | null;
  team_id: string | null;
  user: string | null;
  end_user: string | null;
  model: string | null;
  model_group: string | null;
  model_id: string | null;
  api_base: string | null;
  startTime: string;
  endTime: string | null;
  request_duration_ms: number | null;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cache_hit: boolean | string | null;
  status: "success" | "failure";
  status_code: number | null;
  request_tags: string[] | null;
  metadata: Record<string, unknown> | null;
  [field: string]: unknown;
}

/** What /spend/logs/ui/<id> adds to a row for the detail view. */
interface LogDetailFields {
  /** Null for rows logged before retries were recorded. */
  retries?: number | null;
  /** The groups tried after the requested one, in order. */
  fallbacks?: unknown[];
  original_model_group?: string | null;
  failed_attempts?: unknown[];
  failed_attempts_omitted?: number;
  error?: {
    error_class?: string | null;
    error_message?: string | null;
    status_code?: number | null;
  } | null;
  deployment?: Record<string, unknown>;
  messages?: unknown;
  response?: unknown;
}

interface LogPage {
  data: LogRow[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
}

const TEXT_FILTERS: { name: keyof LogFilters; label: string }[] = [
  { name: "key_alias", label: "Key alias" },
  { name: "api_key", label: "Key hash" },
  { name: "team_id", label: "Team id" },
  { name: "user_id", label: "User" },
  { name: "model", label: "Model" },
  { name: "request_id", label: "Request id" },
];

/** Spend logs, paged and filtered on the server (GET /spend/logs/ui), newest first. */
export function Logs() {
  const [draft, setDraft] = useState<LogFilters>(defaultLogFilters);
  const [applied, setApplied] = useState<LogFilters>(defaultLogFilters);
  const [errors, setErrors] = useState<Partial<Record<keyof LogFilters, string>>>({});
  const [openId, setOpenId] = useState<string>();
  const qs = logsQueryString(applied);
  const logs = useQuery({
    queryKey: ["logs", qs],
    queryFn: () => api<LogPage>(`/spend/logs/ui?${qs}`),
    refetchInterval: 10_000,
    placeholderData: (previous) => previous,
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const found = validateLogFilters(draft);
    setErrors(found);
    if (Object.keys(found).length === 0) setApplied({ ...draft, page: 1 });
  };
  const set = (name: keyof LogFilters, value: string) => setDraft((d) => ({ ...d, [name]: value }));

  return (
    <Stack>
      <Title order={2}>Logs</Title>
      <form onSubmit={apply} noValidate aria-label="Log filters">
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
            <TextInput
              type="datetime-local"
              label="From"
              value={draft.start_date ?? ""}
              error={errors.start_date}
              onChange={(e) => set("start_date", e.currentTarget.value)}
            />
            <TextInput
              type="datetime-local"
              label="To"
              value={draft.end_date ?? ""}
              error={errors.end_date}
              onChange={(e) => set("end_date", e.currentTarget.value)}
            />
            <Select
              label="Status"
              data={[
                { value: "", label: "Any" },
                { value: "success", label: "Success" },
                { value: "failure", label: "Failure" },
              ]}
              value={draft.status_filter ?? ""}
              onChange={(v) => set("status_filter", v ?? "")}
              allowDeselect={false}
            />
            {TEXT_FILTERS.map((f) => (
              <TextInput
                key={f.name}
                label={f.label}
                name={f.name}
                value={String(draft[f.name] ?? "")}
                error={errors[f.name]}
                onChange={(e) => set(f.name, e.currentTarget.value)}
              />
            ))}
          </SimpleGrid>
          <Group>
            <Button type="submit">Apply filters</Button>
            <Button
              variant="default"
              onClick={() => {
                setDraft(defaultLogFilters());
                setApplied(defaultLogFilters());
                setErrors({});
              }}
            >
              Clear
            </Button>
          </Group>
        </Stack>
      </form>
      <QueryState
        query={logs}
        what="logs"
        isEmpty={(d) => d.data.length === 0}
        empty="No requests match these filters."
      >
        {(page) => (
          <>
            <Table.ScrollContainer minWidth={900}>
              <Table striped highlightOnHover data-testid="logs-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Model</Table.Th>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Team</Table.Th>
                    <Table.Th>Tokens</Table.Th>
                    <Table.Th>Cost</Table.Th>
                    <Table.Th>Latency</Table.Th>
                    <Table.Th aria-label="Detail" />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.data.map((row) => (
                    <Table.Tr key={row.request_id} data-request-id={row.request_id}>
                      <Table.Td>{new Date(row.startTime).toLocaleString()}</Table.Td>
                      <Table.Td>
                        <Badge color={row.status === "success" ? "green" : "red"}>
                          {row.status}
                          {row.status_code ? ` ${row.status_code}` : ""}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{row.model_group ?? row.model ?? "—"}</Table.Td>
                      <Table.Td>
                        {row.key_alias ?? (row.api_key ? `${row.api_key.slice(0, 10)}…` : "—")}
                      </Table.Td>
                      <Table.Td>{row.team_id ?? "—"}</Table.Td>
                      <Table.Td>{formatCount(row.total_tokens)}</Table.Td>
                      <Table.Td>{formatMoney(row.spend)}</Table.Td>
                      <Table.Td>{formatDuration(row.request_duration_ms)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => setOpenId(row.request_id)}
                        >
                          Details
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {formatCount(page.total)} requests
              </Text>
              <Pagination
                total={Math.max(1, page.total_pages)}
                value={applied.page}
                onChange={(p) => setApplied((a) => ({ ...a, page: p }))}
                size="sm"
              />
            </Group>
          </>
        )}
      </QueryState>
      <Drawer
        opened={openId !== undefined}
        onClose={() => setOpenId(undefined)}
        position="right"
        size="lg"
        title="Request"
      >
        {openId && <LogDetail requestId={openId} />}
      </Drawer>
    </Stack>
  );
}

function LogDetail({ requestId }: { requestId: string }) {
  const detail = useQuery({
    queryKey: ["log", requestId],
    queryFn: () => api<LogRow>(`/spend/logs/ui/${encodeURIComponent(requestId)}`),
  });
  if (detail.isPending) return <Loading what="the request" />;
  if (detail.error) return <ErrorState error={detail.error} retry={() => void detail.refetch()} />;
  const row = detail.data;
  const { metadata } = row;
  const facts: [string, string][] = [
    ["Request id", row.request_id],
    ["Status", `${row.status}${row.status_code ? ` (${row.status_code})` : ""}`],
    ["Model group", row.model_group ?? "—"],
    ["Deployment", [row.model, row.model_id].filter(Boolean).join(" · ") || "—"],
    ["API base", row.api_base ?? "—"],
    ["Key", row.key_alias ?? row.api_key ?? "—"],
    ["Team", row.team_id ?? "—"],
    ["User", row.user ?? "—"],
    ["Tokens", `${formatCount(row.prompt_tokens)} in, ${formatCount(row.completion_tokens)} out`],
    ["Cost", formatMoney(row.spend)],
    ["Latency", formatDuration(row.request_duration_ms)],
    ["Cache hit", String(row.cache_hit ?? false)],
    ["Started", new Date(row.startTime).toLocaleString()],
  ];
  const extra = row as LogRow & LogDetailFields;
  const error = extra.error;
  // What the router did: always the retry count, the chain and failed tries only when there were.
  facts.push(["Retries", formatRetries(extra.retries)]);
  const chain = formatFallbackChain(extra.original_model_group, extra.fallbacks);
  if (chain) facts.push(["Fallbacks", chain]);
  const failedTries = failedAttemptLines(extra.failed_attempts, extra.failed_attempts_omitted);
  if (failedTries.length > 0) facts.push(["Failed attempts", failedTries.join("\n")]);
  if (error) {
    facts.push([
      "Error",
      [error.error_class, error.error_message].filter(Boolean).join(": ") || "—",
    ]);
  }
  const bodies: [string, unknown][] = [
    ["Request", extra.messages],
    ["Response", extra.response],
  ];
  return (
    <Stack data-testid="log-detail">
      <Table>
        <Table.Tbody>
          {facts.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w={140}>{label}</Table.Th>
              <Table.Td style={{ wordBreak: "break-all", whiteSpace: "pre-line" }}>
                {value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {bodies
        .filter(([, body]) => body !== null && body !== undefined && JSON.stringify(body) !== "{}")
        .map(([title, body]) => (
          <Stack key={title} gap={4}>
            <Title order={5}>{title}</Title>
            <Code block mah={300} style={{ overflow: "auto" }}>
              {JSON.stringify(body, null, 2)}
            </Code>
          </Stack>
        ))}
      {metadata && Object.keys(metadata).length > 0 && (
        <>
          <Title order={5}>Metadata</Title>
          <Code block>{JSON.stringify(metadata, null, 2)}</Code>
        </>
      )}
    </Stack>
  );
}
