import { AreaChart, BarChart } from "@mantine/charts";
import { Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import {
  breakdownRows,
  dailySeries,
  dayMetrics,
  monthToDate,
  totals,
  type DailyActivity,
  type Dimension,
} from "../../lib/activity.ts";
import { formatCount, formatDuration, formatMoney, formatPercent } from "../../lib/money.ts";
import { useDailyActivity } from "../activity.ts";
import { QueryState } from "../components/States.tsx";
import { Stat } from "../components/Stat.tsx";

/** This month at a glance: spend today and month to date, traffic, errors, latency, top spenders. */
export function Overview() {
  const range = monthToDate(new Date());
  const activity = useDailyActivity(range);
  return (
    <Stack>
      <Title order={2}>Overview</Title>
      <QueryState query={activity} what="the overview">
        {(data) => <OverviewBody data={data} range={range} />}
      </QueryState>
    </Stack>
  );
}

function OverviewBody({
  data,
  range,
}: {
  data: DailyActivity;
  range: { start: string; end: string };
}) {
  const sum = totals(data);
  const today = dayMetrics(data, range.end);
  const series = dailySeries(data, range.start, range.end);
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
        <Stat label="Spend today" value={formatMoney(today.spend)} />
        <Stat label="Spend this month" value={formatMoney(sum.spend)} />
        <Stat label="Requests" value={formatCount(sum.api_requests)} hint="this month" />
        <Stat
          label="Error rate"
          value={formatPercent(sum.error_rate)}
          hint={`${formatCount(sum.failed_requests)} failed`}
        />
        <Stat label="Latency p50" value={formatDuration(sum.latency_p50_ms)} />
        <Stat label="Latency p95" value={formatDuration(sum.latency_p95_ms)} />
      </SimpleGrid>
      {sum.api_requests === 0 ? (
        <Text c="dimmed" data-testid="empty-state">
          No requests this month yet.
        </Text>
      ) : (
        <>
          <Paper withBorder p="md">
            <Text fw={600} mb="sm">
              Spend per day
            </Text>
            <AreaChart
              h={220}
              data={series}
              dataKey="date"
              series={[{ name: "spend", color: "blue.6", label: "Spend ($)" }]}
              curveType="linear"
              withDots={false}
            />
          </Paper>
          <Paper withBorder p="md">
            <Text fw={600} mb="sm">
              Requests per day
            </Text>
            <BarChart
              h={200}
              data={series}
              dataKey="date"
              type="stacked"
              series={[
                { name: "successful_requests", color: "teal.6", label: "Succeeded" },
                { name: "failed_requests", color: "red.6", label: "Failed" },
              ]}
            />
          </Paper>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <Top data={data} dimension="models" title="Top models" />
            <Top data={data} dimension="api_keys" title="Top keys" />
            <Top data={data} dimension="teams" title="Top teams" />
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}

function Top({
  data,
  dimension,
  title,
}: {
  data: DailyActivity;
  dimension: Dimension;
  title: string;
}) {
  const rows = breakdownRows(data, dimension).slice(0, 5);
  return (
    <Paper withBorder p="md" data-testid={`top-${dimension}`}>
      <Text fw={600} mb="xs">
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          Nothing yet.
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Text size="sm" truncate maw={180}>
                    {r.label}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{formatMoney(r.spend)}</Table.Td>
                <Table.Td ta="right">{formatCount(r.api_requests)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
