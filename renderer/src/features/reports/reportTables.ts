/**
 * Shaping the HQ and branch managers' reports (تقارير). Every figure comes from shared/casefile's
 * report functions; this module only filters the records (date range, branch), and lays the
 * results out as tables for the screen, CSV (shared/casefile toCsv) and XLSX.
 */
import {
  overdueCommitteeReplies,
  requestsByBranch,
  requestsByChannel,
  requestsByService,
  requestsByStatus,
  satisfactionOverTime,
  timeToDecisionDays,
  toCsv,
  type CountRow,
  type DurationSummary,
  type OverdueReply,
  type SatisfactionBucket,
} from '../../../../shared/casefile';
import type { CommitteeDecision, HqConfigEntry, SatisfactionEvaluation, SupportRequest } from '../../../../shared/schema';
import type { PolicyProfile } from '../../../../shared/policy';
import { saudiDayNumber } from '../../../../shared/dates/expiry';
import { parseIsoDate, gregorianToDayNumber } from '../../../../shared/dates/calendar';

export interface ReportRecords {
  requests: readonly SupportRequest[];
  decisions: readonly CommitteeDecision[];
  evaluations: readonly SatisfactionEvaluation[];
}

export interface ReportFilter {
  /** 'YYYY-MM-DD' Saudi civil days, inclusive; '' = open. */
  from: string;
  to: string;
  /** '' = all branches. */
  branchId: string;
}

function dayOf(text: string): number | null {
  if (!text) return null;
  const parsed = parseIsoDate(text);
  return parsed.ok ? gregorianToDayNumber(parsed.value) : null;
}

/**
 * Requests received (created) in the range and branch, their decisions, and evaluations
 * submitted in the range and branch.
 */
export function filterReportRecords(records: ReportRecords, filter: ReportFilter): ReportRecords {
  const from = dayOf(filter.from);
  const to = dayOf(filter.to);
  const inRange = (at: string) => {
    const day = saudiDayNumber(at);
    return (from === null || day >= from) && (to === null || day <= to);
  };
  const inBranch = (b: string) => !filter.branchId || b === filter.branchId;
  const requests = records.requests.filter((r) => inBranch(r.branchId) && inRange(r.createdAt));
  const ids = new Set(requests.map((r) => r.id));
  return {
    requests,
    decisions: records.decisions.filter((d) => ids.has(d.requestId)),
    evaluations: records.evaluations.filter((e) => inBranch(e.branchId) && inRange(e.submittedAt)),
  };
}

export interface Report {
  total: number;
  byStatus: CountRow[];
  byChannel: CountRow[];
  byService: CountRow[];
  byBranch: CountRow[];
  overdue: OverdueReply[];
  timeToDecision: DurationSummary;
  satisfaction: SatisfactionBucket[];
  evaluationCount: number;
}

export function buildReport(records: ReportRecords, profile: PolicyProfile, branches: readonly HqConfigEntry[], now: Date): Report {
  return {
    total: records.requests.length,
    byStatus: requestsByStatus(records.requests),
    byChannel: requestsByChannel(records.requests, profile),
    byService: requestsByService(records.requests, profile),
    byBranch: requestsByBranch(records.requests, branches),
    overdue: overdueCommitteeReplies(records.requests, now, profile.researchCommittee.minReplyPeriodDays),
    timeToDecision: timeToDecisionDays(records.requests, records.decisions),
    satisfaction: satisfactionOverTime(records.evaluations),
    evaluationCount: records.evaluations.length,
  };
}

/** Branch choices for the filter: HQ's branch entries, plus branches seen in the records. */
export function branchOptions(branches: readonly HqConfigEntry[], requests: readonly SupportRequest[], en: boolean): { value: string; label: string }[] {
  const out = new Map<string, string>();
  for (const e of branches) {
    if (e.kind !== 'branch' || !e.branch) continue;
    out.set(e.branchId ?? e.id, en ? (e.branch.nameEn ?? e.branch.name) : e.branch.name);
  }
  for (const r of requests) if (!out.has(r.branchId)) out.set(r.branchId, r.branchId);
  return [...out].map(([value, label]) => ({ value, label }));
}

// ---- tables (screen, CSV, XLSX) ----

export type Cell = string | number | null;

export interface ReportTable {
  /** Stable id: file names and sheet order. */
  id: 'status' | 'channel' | 'service' | 'branch' | 'overdue' | 'time_to_decision' | 'satisfaction';
  title: string;
  headers: string[];
  rows: Cell[][];
}

export interface TableLabels {
  titles: Record<ReportTable['id'], string>;
  headers: {
    label: string;
    count: string;
    share: string;
    requestId: string;
    branch: string;
    service: string;
    submittedAt: string;
    earliestReplyDate: string;
    daysWaiting: string;
    daysOverdue: string;
    measure: string;
    days: string;
    month: string;
    evaluations: string;
    averageScore: string;
  };
  measures: { count: string; median: string; p90: string; min: string; max: string };
}

function countTable(id: ReportTable['id'], rows: readonly CountRow[], labels: TableLabels, en: boolean): ReportTable {
  const total = rows.reduce((n, r) => n + r.count, 0);
  return {
    id,
    title: labels.titles[id],
    headers: [labels.headers.label, labels.headers.count, labels.headers.share],
    rows: rows.map((r) => [en ? r.labelEn : r.labelAr, r.count, total === 0 ? 0 : Math.round((r.count / total) * 1000) / 10]),
  };
}

export function reportTables(report: Report, labels: TableLabels, en: boolean, names: { branch(id: string): string; service(id: string): string }): ReportTable[] {
  const h = labels.headers;
  const t = report.timeToDecision;
  return [
    countTable('status', report.byStatus, labels, en),
    countTable('channel', report.byChannel, labels, en),
    countTable('service', report.byService, labels, en),
    countTable('branch', report.byBranch, labels, en),
    {
      id: 'overdue',
      title: labels.titles.overdue,
      headers: [h.requestId, h.branch, h.service, h.submittedAt, h.earliestReplyDate, h.daysWaiting, h.daysOverdue],
      rows: report.overdue.map((o) => [o.requestId, names.branch(o.branchId), names.service(o.serviceId), o.submittedAt.slice(0, 10), o.earliestReplyDate, o.daysWaiting, o.daysOverdue]),
    },
    {
      id: 'time_to_decision',
      title: labels.titles.time_to_decision,
      headers: [h.measure, h.days],
      rows: [
        [labels.measures.count, t.count],
        [labels.measures.median, t.medianDays],
        [labels.measures.p90, t.p90Days],
        [labels.measures.min, t.minDays],
        [labels.measures.max, t.maxDays],
      ],
    },
    {
      id: 'satisfaction',
      title: labels.titles.satisfaction,
      headers: [h.month, h.evaluations, h.averageScore],
      rows: report.satisfaction.map((b) => [en ? b.labelEn : b.labelAr, b.count, b.averageScore]),
    },
  ];
}

/** A table as CSV (UTF-8 with BOM, formula-safe) through shared/casefile's toCsv. */
export function tableCsv(table: ReportTable): string {
  return toCsv(
    table.rows,
    table.headers.map((header, i) => ({ header, value: (row: Cell[]) => row[i] ?? '' })),
  );
}

/** File-name friendly stamp of a filter: report-status-2026-01-01_2026-03-31-main.csv */
export function exportName(kind: string, filter: ReportFilter, ext: 'csv' | 'xlsx'): string {
  const range = filter.from || filter.to ? `-${filter.from || 'start'}_${filter.to || 'today'}` : '';
  const branch = filter.branchId ? `-${filter.branchId.replace(/[^A-Za-z0-9_-]/g, '')}` : '';
  return `sila-report-${kind}${range}${branch}.${ext}`;
}
