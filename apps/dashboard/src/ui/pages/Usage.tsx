import { BarChart } from "@mantine/charts";
import {
  Button,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import {
  breakdownRows,
  dailySeries,
  lastDays,
  topWithOther,
  totals,
  type DailyActivity,
  type Dimension,
} from "../../lib/activity.ts";
import { csvFileName, toCsv, type CsvColumn } from "../../lib/csv.ts";
import { formatCount, formatMoney } from "../../lib/money.ts";
import { useDailyActivity } from "../activity.ts";
import { QueryState } from "../components/States.tsx";
import { Stat } from "../components/Stat.tsx";

type View = "days" | Dimension;

const VIEWS: { value: View; label: string }[] = [
  { value: "days", label: "By day" },
  { value: "teams", label: "By team" },
  { value: "api_keys", label: "By key" },
  { value: "models", label: "By model" },
  { value: "providers", label: "By provider" },
];

interface TableRow {
  id: string;
  label: string;
  spend: number;
  api_requests: number;
  failed_requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

const CSV_COLUMNS: CsvColumn<TableRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "name", value: (r) => r.label },
  { header: "spend_usd", value: (r) => r.spend },
  { header: "requests", value: (r) => r.api_requests },
  { header: "failed_requests", value: (r) => r.failed_requests },
  { header: "prompt_tokens", value: (r) => r.prompt_tokens },
  { header: "completion_tokens", value: (r) => r.completion_tokens },
  { header: "total_tokens", value: (r) => r.total_tokens },
];

/** Spend by team, key, model, provider and day over a date range, as chart, table and CSV. */
export function Usage() {
  const [range, setRange] = useState(() => lastDays(7, new Date()));
  const [view, setView] = useState<View>("days");
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(range.start) &&
    /^\d{4}-\d{2}-\d{2}$/.test(range.end) &&
    range.start <= range.end;
  const activity = useDailyActivity(range);
  return (
    <Stack>
      <Title order={2}>Usage</Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          type="date"
          label="From"
          value={range.start}
          onChange={(e) => setRange((r) => ({ ...r, start: e.currentTarget.value }))}
          error={valid ? undefined : "Pick a start on or before the end"}
        />
        <TextInput
          type="date"
          label="To"
          value={range.end}
          onChange={(e) => setRange((r) => ({ ...r, end: e.currentTarget.value }))}
        />
        <Button variant="default" onClick={() => setRange(lastDays(7, new Date()))}>
          7 days
        </Button>
        <Button variant="default" onClick={() => setRange(lastDays(30, new Date()))}>
          30 days
        </Button>
      </Group>
      <SegmentedControl
        data={VIEWS}
        value={view}
        onChange={(v) => setView(v as View)}
        style={{ alignSelf: "flex-start" }}
      />
      <QueryState query={activity} what="usage">
        {(data) => <UsageBody data={data} view={view} range={range} />}
      </QueryState>
    </Stack>
  );
}

function UsageBody({
  data,
  view,
  range,
}: {
  data: DailyActivity;
  view: View;
  range: { start: string; end: string };
}) {
  const sum = totals(data);
  const rows: TableRow[] =
    view === "days"
      ? dailySeries(data, range.start, range.end).map((d) => ({ ...d, id: d.date, label: d.date }))
      : breakdownRows(data, view);
  const chart = view === "days" ? rows : topWithOther(breakdownRows(data, view), 10);
  const download = () => {
    const blob = new Blob([toCsv(rows, CSV_COLUMNS)], { type: "text/csv;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = csvFileName(view, range.start, range.end);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Spend" value={formatMoney(sum.spend)} />
        <Stat label="Requests" value={formatCount(sum.api_requests)} />
        <Stat label="Failed" value={formatCount(sum.failed_requests)} />
        <Stat label="Tokens" value={formatCount(sum.total_tokens)} />
      </SimpleGrid>
      <Paper withBorder p="md">
        <BarChart
          h={260}
          data={chart}
          dataKey="label"
          series={[{ name: "spend", color: "blue.6", label: "Spend ($)" }]}
        />
      </Paper>
      <Group justify="space-between">
        <Text fw={600}>{VIEWS.find((v) => v.value === view)?.label}</Text>
        <Button variant="light" onClick={download} disabled={rows.length === 0}>
          Export CSV
        </Button>
      </Group>
      {rows.length === 0 ? (
        <Text c="dimmed" data-testid="empty-state">
          No usage in this period.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table striped data-testid="usage-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{view === "days" ? "Day" : "Name"}</Table.Th>
                <Table.Th ta="right">Spend</Table.Th>
                <Table.Th ta="right">Requests</Table.Th>
                <Table.Th ta="right">Failed</Table.Th>
                <Table.Th ta="right">Tokens in</Table.Th>
                <Table.Th ta="right">Tokens out</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{r.label}</Table.Td>
                  <Table.Td ta="right">{formatMoney(r.spend)}</Table.Td>
                  <Table.Td ta="right">{formatCount(r.api_requests)}</Table.Td>
                  <Table.Td ta="right">{formatCount(r.failed_requests)}</Table.Td>
                  <Table.Td ta="right">{formatCount(r.prompt_tokens)}</Table.Td>
                  <Table.Td ta="right">{formatCount(r.completion_tokens)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
