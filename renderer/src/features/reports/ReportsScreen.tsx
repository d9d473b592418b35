/**
 * Reports for HQ and branch managers (#/reports): requests by status, channel, service and
 * branch; overdue committee replies; time from reception to decision; satisfaction over time.
 * Charts beside tables (the tables are the accessible form of each chart), CSV per table and
 * one XLSX workbook with every table, for the date range and branch chosen.
 */
import { useMemo, useState } from 'react';
import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Box, Button, Center, Group, Loader, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../services';
import { useActiveProfile } from '../../state/profile';
import { branchOptions, buildReport, exportName, filterReportRecords, reportTables, tableCsv, type ReportFilter, type ReportTable, type TableLabels } from './reportTables';
import { tablesToXlsx } from './xlsx';
import { useReportRecords } from './useReportRecords';

const chartTables: readonly ReportTable['id'][] = ['status', 'channel', 'service', 'branch'];

function useLabels(): TableLabels {
  const { t } = useTranslation();
  return {
    titles: {
      status: t('reports.table.status'),
      channel: t('reports.table.channel'),
      service: t('reports.table.service'),
      branch: t('reports.table.branch'),
      overdue: t('reports.table.overdue'),
      time_to_decision: t('reports.table.time_to_decision'),
      satisfaction: t('reports.table.satisfaction'),
    },
    headers: {
      label: t('reports.header.label'),
      count: t('reports.header.count'),
      share: t('reports.header.share'),
      requestId: t('reports.header.requestId'),
      branch: t('reports.header.branch'),
      service: t('reports.header.service'),
      submittedAt: t('reports.header.submittedAt'),
      earliestReplyDate: t('reports.header.earliestReplyDate'),
      daysWaiting: t('reports.header.daysWaiting'),
      daysOverdue: t('reports.header.daysOverdue'),
      measure: t('reports.header.measure'),
      days: t('reports.header.days'),
      month: t('reports.header.month'),
      evaluations: t('reports.header.evaluations'),
      averageScore: t('reports.header.averageScore'),
    },
    measures: {
      count: t('reports.measure.count'),
      median: t('reports.measure.median'),
      p90: t('reports.measure.p90'),
      min: t('reports.measure.min'),
      max: t('reports.measure.max'),
    },
  };
}

function DataTable({ table, onCsv }: { table: ReportTable; onCsv(): void }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={4} id={`report-${table.id}-title`}>
          {table.title}
        </Title>
        <Button size="xs" variant="light" onClick={onCsv} data-testid={`csv-${table.id}`} aria-label={t('reports.csvFor', { table: table.title })}>
          {t('reports.csv')}
        </Button>
      </Group>
      {table.rows.length === 0 ? (
        <Text c="dimmed" data-testid={`empty-${table.id}`}>
          {t('reports.emptyTable')}
        </Text>
      ) : (
        <Box style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-labelledby={`report-${table.id}-title`}>
          <Table striped withTableBorder verticalSpacing={4} aria-labelledby={`report-${table.id}-title`} data-testid={`table-${table.id}`}>
            <Table.Thead>
              <Table.Tr>
                {table.headers.map((h) => (
                  <Table.Th key={h}>{h}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {table.rows.map((row, i) => (
                <Table.Tr key={i}>
                  {row.map((cell, j) => (
                    <Table.Td key={j} data-col={j}>
                      {cell ?? '—'}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
    </Stack>
  );
}

function Figure({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

export function ReportsScreen() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const { platform } = useServices();
  const profile = useActiveProfile();
  const data = useReportRecords();
  const labels = useLabels();
  const [filter, setFilter] = useState<ReportFilter>({ from: '', to: '', branchId: '' });
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const rangeProblem = filter.from && filter.to && filter.from > filter.to ? t('reports.rangeProblem') : null;
  const branches = useMemo(() => (data ? branchOptions(data.branches, data.requests, en) : []), [data, en]);
  const report = useMemo(() => {
    if (!data) return null;
    const effective = rangeProblem ? { ...filter, from: '', to: '' } : filter;
    return buildReport(filterReportRecords(data, effective), profile, data.branches, new Date());
  }, [data, filter, profile, rangeProblem]);
  const tables = useMemo(() => {
    if (!report) return [];
    const branchName = (id: string) => branches.find((b) => b.value === id)?.label ?? id;
    const serviceName = (id: string) => {
      const s = profile.services.find((x) => x.id === id);
      return s ? (en ? s.nameEn : s.nameAr) : id;
    };
    return reportTables(report, labels, en, { branch: branchName, service: serviceName });
  }, [report, labels, en, branches, profile]);

  if (!data || !report) {
    return (
      <Center mih={240}>
        <Loader aria-label={t('reports.loading')} />
      </Center>
    );
  }

  const save = async (name: string, mimeType: string, bytes: Uint8Array) => {
    setExportError(null);
    try {
      await platform.saveFile({ suggestedName: name, mimeType, data: bytes });
    } catch (err) {
      console.error('report export failed', err);
      setExportError(t('reports.exportFailed'));
    }
  };
  const saveCsv = (table: ReportTable) =>
    void save(exportName(table.id, filter, 'csv'), 'text/csv;charset=utf-8', new TextEncoder().encode(tableCsv(table)));
  const saveXlsx = async () => {
    setExporting(true);
    try {
      const bytes = await tablesToXlsx(tables, !en);
      await save(exportName('all', filter, 'xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes);
    } catch (err) {
      console.error('xlsx export failed', err);
      setExportError(t('reports.exportFailed'));
    } finally {
      setExporting(false);
    }
  };

  const byId = (id: ReportTable['id']) => tables.find((x) => x.id === id)!;
  const countRows = { status: report.byStatus, channel: report.byChannel, service: report.byService, branch: report.byBranch } as const;
  const med = report.timeToDecision.medianDays;

  return (
    <Stack gap="lg" data-testid="reports-screen">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('reports.title')}</Title>
        <Button onClick={() => void saveXlsx()} loading={exporting} data-testid="xlsx-export">
          {t('reports.xlsx')}
        </Button>
      </Group>
      <Paper withBorder radius="md" p="md" component="form" aria-label={t('reports.filterLabel')} onSubmit={(e) => e.preventDefault()}>
        <Group align="flex-end" wrap="wrap">
          <TextInput type="date" label={t('reports.from')} value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.currentTarget.value })} error={rangeProblem} data-testid="filter-from" />
          <TextInput type="date" label={t('reports.to')} value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.currentTarget.value })} data-testid="filter-to" />
          <Select
            label={t('reports.branch')}
            data={[{ value: '', label: t('reports.allBranches') }, ...branches]}
            value={filter.branchId}
            onChange={(v) => setFilter({ ...filter, branchId: v ?? '' })}
            allowDeselect={false}
            data-testid="filter-branch"
          />
          <Button variant="subtle" onClick={() => setFilter({ from: '', to: '', branchId: '' })}>
            {t('reports.clearFilter')}
          </Button>
        </Group>
      </Paper>
      {exportError && (
        <Alert color="red" variant="light" role="alert">
          {exportError}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label={t('reports.figure.total')} value={report.total} testId="figure-total" />
        <Figure label={t('reports.figure.overdue')} value={report.overdue.length} testId="figure-overdue" />
        <Figure label={t('reports.figure.median')} value={med === null ? '—' : t('reports.days', { count: med })} testId="figure-median" />
        <Figure label={t('reports.figure.evaluations')} value={report.evaluationCount} testId="figure-evaluations" />
      </SimpleGrid>
      {report.total === 0 && report.evaluationCount === 0 && (
        <Alert color="gray" variant="light" data-testid="reports-empty">
          {t('reports.empty')}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        {chartTables.map((id) => {
          const rows = countRows[id as keyof typeof countRows].filter((r) => id !== 'status' || r.count > 0);
          return (
            <Paper key={id} withBorder radius="md" p="md" component="section" aria-labelledby={`report-${id}-title`}>
              <Stack>
                {rows.length > 0 && (
                  <div aria-hidden="true" dir="ltr" data-testid={`chart-${id}`}>
                    <BarChart
                      h={Math.max(140, rows.length * 34 + 40)}
                      data={rows.map((r) => ({ label: en ? r.labelEn : r.labelAr, count: r.count }))}
                      dataKey="label"
                      orientation="vertical"
                      series={[{ name: 'count', label: labels.headers.count, color: 'teal.6' }]}
                      yAxisProps={{ width: 150, orientation: en ? 'left' : 'right' }}
                      xAxisProps={{ reversed: !en, allowDecimals: false }}
                      withTooltip={false}
                      barChartProps={{ accessibilityLayer: false }}
                      gridAxis="x"
                    />
                  </div>
                )}
                <DataTable table={byId(id)} onCsv={() => saveCsv(byId(id))} />
              </Stack>
            </Paper>
          );
        })}
      </SimpleGrid>
      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="report-satisfaction-title">
        <Stack>
          {report.satisfaction.length > 0 && (
            <div aria-hidden="true" dir="ltr" data-testid="chart-satisfaction">
              <LineChart
                h={220}
                data={report.satisfaction.map((b) => ({ month: en ? b.labelEn : b.labelAr, averageScore: b.averageScore }))}
                dataKey="month"
                series={[{ name: 'averageScore', label: labels.headers.averageScore, color: 'indigo.6' }]}
                yAxisProps={{ domain: [1, 5], orientation: en ? 'left' : 'right' }}
                xAxisProps={{ reversed: !en }}
                withTooltip={false}
                lineChartProps={{ accessibilityLayer: false }}
              />
            </div>
          )}
          <DataTable table={byId('satisfaction')} onCsv={() => saveCsv(byId('satisfaction'))} />
        </Stack>
      </Paper>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="report-overdue-title">
          <DataTable table={byId('overdue')} onCsv={() => saveCsv(byId('overdue'))} />
        </Paper>
        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="report-time_to_decision-title">
          <Stack gap="xs">
            <DataTable table={byId('time_to_decision')} onCsv={() => saveCsv(byId('time_to_decision'))} />
            <Text size="sm" c="dimmed">
              {t('reports.timeNote')}
            </Text>
          </Stack>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
